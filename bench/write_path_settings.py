"""Settings for bench/write_path.py: the product's, plus a bench-only URL for the minimal insert view."""

from fangkong.settings import *  # noqa: F403

ROOT_URLCONF = "write_path_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
