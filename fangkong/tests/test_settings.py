"""Settings come from the environment: embedded by default, production-ready when configured.

Settings are read once per process, so most of these tests start a fresh Python.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import fangkong.settings as fangkong_settings
from fangkong.accounts.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from fangkong.accounts.models import Membership, User
from fangkong.areas.models import Area
from fangkong.core.models import ChangeLogEntry

BASE_DIR = Path(fangkong_settings.BASE_DIR)
# Everything the settings read, cleared so the developer's environment (or another test: the browser
# tests allow async-unsafe calls) cannot leak into a test.
CONFIG = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "HTTPS",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "FANGKONG_VAR_DIR",
    "FIELD_ENCRYPTION_KEY",
    "CONN_MAX_AGE",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_SECONDS",
    "TRUSTED_PROXY_HEADER",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
}
PRINT_SETTINGS = """
import json
from django.conf import settings
from fangkong.celery import app
print(json.dumps({
    "SECRET_KEY": settings.SECRET_KEY,
    "DEBUG": settings.DEBUG,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION", ""),
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "task_always_eager": app.conf.task_always_eager,
    "broker_url": app.conf.broker_url,
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CLIENT_ADDRESS_FROM": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER),
    "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
    "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
}))
"""


def run(args, var_dir, **env):
    environ = {key: value for key, value in os.environ.items() if key not in CONFIG}
    environ.update(DJANGO_SETTINGS_MODULE="fangkong.settings", FANGKONG_VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environ, capture_output=True, text=True, timeout=120
    )


def settings_in(var_dir, **env):
    result = run(["-c", PRINT_SETTINGS], var_dir, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_is_clean_in_production(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="fangkong.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_catches_an_insecure_setup(tmp_path):
    # The same check fails when HTTPS is off: the test above can fail, too.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = settings_in(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert settings_in(tmp_path)["SECRET_KEY"] == first
    # Another installation gets another key; a configured key wins over the file.
    other = tmp_path / "other"
    assert settings_in(other)["SECRET_KEY"] != first
    assert settings_in(tmp_path, SECRET_KEY="from-the-environment")["SECRET_KEY"] == "from-the-environment"


def test_processes_starting_together_agree_on_a_secret(tmp_path, monkeypatch):
    # Two workers starting at once on a fresh install must not each keep a key of their own: for the
    # field encryption key that would make data written by one unreadable by the other.
    monkeypatch.setattr(fangkong_settings, "VAR_DIR", tmp_path)
    made = iter(["first", "second"])
    lock = threading.Lock()

    def make():
        with lock:
            value = next(made)
        time.sleep(0.2)  # both find no file before either has written one
        return value

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(fangkong_settings.kept_secret("key", make))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert results[0] == results[1] == (tmp_path / "key").read_text()
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["key"]  # no temporary files left


@pytest.mark.parametrize(
    "value, debug", [(None, False), ("", False), ("false", False), ("0", False), ("true", True), ("1", True)]
)
def test_debug_is_off_unless_set(tmp_path, value, debug):
    env = {} if value is None else {"DEBUG": value}
    assert settings_in(tmp_path, **env)["DEBUG"] is debug


def test_without_redis_tasks_run_in_process(tmp_path):
    printed = settings_in(tmp_path)
    assert printed["CELERY_TASK_ALWAYS_EAGER"] is True
    assert printed["task_always_eager"] is True
    assert printed["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert printed["DATABASE_ENGINE"] == "django.db.backends.sqlite3"
    assert printed["DATABASE_NAME"] == str(tmp_path / "fangkong.sqlite3")


def test_redis_url_switches_to_celery_workers_and_a_shared_cache(tmp_path):
    printed = settings_in(
        tmp_path, REDIS_URL="redis://cache.internal:6379/1", DATABASE_URL="postgres://fk@db.internal/fangkong"
    )
    assert printed["CELERY_TASK_ALWAYS_EAGER"] is False
    assert printed["task_always_eager"] is False
    assert printed["broker_url"] == "redis://cache.internal:6379/1"
    assert printed["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert printed["CACHE_LOCATION"] == "redis://cache.internal:6379/1"
    assert printed["DATABASE_ENGINE"] == "django.db.backends.postgresql"


def test_the_client_address_is_taken_from_a_proxy_header_only_when_configured(tmp_path):
    assert settings_in(tmp_path)["CLIENT_ADDRESS_FROM"] == ["REMOTE_ADDR"]
    printed = settings_in(tmp_path, TRUSTED_PROXY_HEADER="X-Real-IP")
    assert printed["CLIENT_ADDRESS_FROM"] == ["HTTP_X_REAL_IP", "REMOTE_ADDR"]


def test_sessions_end_after_30_idle_minutes_and_12_hours_unless_configured(tmp_path):
    printed = settings_in(tmp_path)
    assert (printed["SESSION_IDLE_SECONDS"], printed["SESSION_COOKIE_AGE"]) == (30 * 60, 12 * 3600)
    printed = settings_in(tmp_path, SESSION_IDLE_MINUTES="10", SESSION_MAX_HOURS="8")
    assert (printed["SESSION_IDLE_SECONDS"], printed["SESSION_COOKIE_AGE"]) == (10 * 60, 8 * 3600)


@pytest.mark.django_db
def test_seed_demo_is_idempotent(client):
    def counts():
        return {
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "grids": Area.objects.filter(level=Area.Level.GRID).count(),
            "areas": Area.objects.count(),
            "changes": ChangeLogEntry.objects.count(),
        }

    out = StringIO()
    call_command("seed_demo", "--empty", stdout=out)
    first = counts()
    assert first["users"] == len(DEMO_USERS) + 1  # and admin
    assert first["memberships"] == len(DEMO_USERS)
    assert first["grids"] > 1000
    zlg = Area.objects.get(code="611022106200")
    assert zlg.children.filter(level=Area.Level.GRID).count() >= 2

    # A demo user changes their password; seeding again keeps it and adds nothing.
    officer = User.objects.get(username="danfeng_officer")
    officer.set_password("a-private-passphrase-1")
    officer.save()
    first["changes"] += 1
    out = StringIO()
    call_command("seed_demo", "--empty", stdout=out)
    assert "0 demo grids created" in out.getvalue()
    assert counts() == first
    assert User.objects.get(username="danfeng_officer").check_password("a-private-passphrase-1")

    # The demo logins work and land where they should.
    response = client.post(
        "/accounts/login/", {"username": "zlg_grid_worker_1", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/health/today/"  # a grid worker's day starts on today's work


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/health/", "/api/me/"])
def test_every_response_has_a_content_security_policy(client, url):
    header = client.get(url)["Content-Security-Policy"]
    policy = dict(directive.strip().split(" ", 1) for directive in header.split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
