"""A web process is warmed up before its first request (fangkong/wsgi.py), without a database connection."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Run in a fresh interpreter: this test process has long since imported everything a warm-up loads.
PROBE = """
import json, sys
import django
django.setup()
from django.db import connections
from django.utils.translation import trans_real
before = "fangkong.health.api" in sys.modules
from fangkong.core.warmup import warm_up
warm_up()
print(json.dumps({
    "api_before": before,
    "api_after": "fangkong.health.api" in sys.modules,
    "catalogs": sorted(trans_real._translations),
    "connected": any(connection.connection is not None for connection in connections.all(initialized_only=True)),
}))
"""


def warm_up_in_a_new_process():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "fangkong.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_it_loads_the_url_modules_and_every_language_before_the_first_request():
    found = warm_up_in_a_new_process()
    assert found["api_before"] is False  # the probe would prove nothing if setup already imported it
    assert found["api_after"] is True
    assert {"en", "zh-hans"} <= set(found["catalogs"])
    assert found["connected"] is False  # safe in a process that forks afterwards
