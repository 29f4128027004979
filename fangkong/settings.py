"""Settings from the environment.

With nothing configured Fangkong runs embedded: SQLite and secrets in ``var/``, background tasks
in-process. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS=true.
"""

import base64
import contextlib
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FANGKONG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def kept_secret(filename, make):
    """A secret generated on first use and kept in var/, so restarts keep sessions and data readable."""
    path = VAR_DIR / filename
    if not path.exists():
        # Written aside (mode 0600 from the start) and linked into place: when several workers start
        # at once on a fresh install, the first link wins and every one of them reads that value.
        fd, aside = tempfile.mkstemp(dir=VAR_DIR, prefix=f".{filename}.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(make())
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
        finally:
            os.unlink(aside)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or kept_secret("secret_key", lambda: secrets.token_urlsafe(50))
DEBUG = env_bool("DEBUG")
HTTPS = env_bool("HTTPS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "fangkong.core",
    "fangkong.areas",
    "fangkong.accounts",
    "fangkong.people",
    "fangkong.health",
    "fangkong.reports",
    "fangkong.duty",
    "fangkong.supplies",
    "fangkong.checkpoints",
    "fangkong.community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.core.middleware.NulInPathMiddleware",
    "fangkong.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fangkong.core.middleware.ChangeContextMiddleware",
    # Last, as django-axes asks: it turns a refused login anywhere below into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fangkong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangkong.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT: the reports' counting queries (many FILTERs, a subquery per case and day) are estimated
    # dear enough to be compiled, and compiling took 1.2 s for a query that runs in 0.3 s without it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes guards every password login (the login page, the admin's): it checks first, then Django's own.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted per user name and client address together, in the database (shared by every
# worker): after LOGIN_FAILURE_LIMIT of them that pair waits LOGIN_LOCKOUT_SECONDS. Nobody else is slowed
# down, neither the account from another place nor the rest of an office behind the same address.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fangkong.accounts.views.locked_out"
# The client address is REMOTE_ADDR unless the reverse proxy is named: with TRUSTED_PROXY_HEADER (e.g.
# X-Forwarded-For or X-Real-IP) it is the right-most address in that header, the one our proxy wrote.
# Never set it without such a proxy: clients could then choose their own address.
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "").strip()
if TRUSTED_PROXY_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_" + TRUSTED_PROXY_HEADER.upper().replace("-", "_"), "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the login
# whatever happens (fangkong.accounts.middleware): field phones get lost.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600

# Exact look-ups of full ID numbers a day by a user whose role may not reveal them (docs/privacy.md).
ID_LOOKUP_DAILY_LIMIT = int(os.environ.get("ID_LOOKUP_DAILY_LIMIT", "20"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fangkong" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before the first collectstatic
STATICFILES_DIRS = [BASE_DIR / "fangkong" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Without Redis, tasks run in-process at once; with it, Celery workers take them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A job's task is acknowledged when it ends, so the broker hands the job of a killed worker to another one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "fangkong.core.tasks.sweep_jobs", "schedule": 300.0},
}

# Background jobs (fangkong.core.jobs): Celery workers with Redis, otherwise threads of this process.
JOBS_BACKEND = os.environ.get("JOBS_BACKEND") or ("celery" if REDIS_URL else "thread")
# SQLite has one writer: there, one job at a time, so an export never waits on an import's transaction.
JOBS_THREADS = int(os.environ.get("JOBS_THREADS", "1" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "2"))
JOBS_DIR = VAR_DIR / "jobs"  # exports written by jobs, until they expire
JOBS_KEEP_SECONDS = int(os.environ.get("JOBS_KEEP_SECONDS", str(24 * 3600)))  # downloads and stale uploads
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "120"))  # no sign of life for this long: dead
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
JOBS_SWEEP_SECONDS = int(os.environ.get("JOBS_SWEEP_SECONDS", "300"))
# Alerts outside the app (fangkong.health.alerts.channels): a work-chat robot's webhook, an SMS gateway.
ALERTS_WEBHOOK_URL = os.environ.get("ALERTS_WEBHOOK_URL", "")
ALERTS_SMS_URL = os.environ.get("ALERTS_SMS_URL", "")
ALERTS_SEND_TIMEOUT = int(os.environ.get("ALERTS_SEND_TIMEOUT", "10"))
ALERTS_DELIVERY_ATTEMPTS = int(os.environ.get("ALERTS_DELIVERY_ATTEMPTS", "5"))

# 24-hour duty: a full-day shift runs from DUTY_DAY_STARTS to the same time the next day, a split day
# changes over at DUTY_NIGHT_STARTS; tomorrow's roster still missing at DUTY_ROSTER_DEADLINE (local
# times, HH:MM) is flagged to the level above.
DUTY_DAY_STARTS = os.environ.get("DUTY_DAY_STARTS", "08:00")
DUTY_NIGHT_STARTS = os.environ.get("DUTY_NIGHT_STARTS", "20:00")
DUTY_ROSTER_DEADLINE = os.environ.get("DUTY_ROSTER_DEADLINE", "17:00")

# Checkpoints (fangkong.checkpoints): a hand-over not accepted within this many hours goes up to the
# town; the same plate at the same checkpoint within this many minutes is the same passage.
CHECKPOINTS_HANDOVER_HOURS = float(os.environ.get("CHECKPOINTS_HANDOVER_HOURS", "12"))
CHECKPOINTS_DUPLICATE_MINUTES = int(os.environ.get("CHECKPOINTS_DUPLICATE_MINUTES", "10"))
# Help for households in difficulty: a need not delivered within these hours (an urgent one within
# HELP_URGENT_HOURS) is overdue, and the sweep sends it up to the town's officers.
HELP_DELIVER_HOURS = float(os.environ.get("HELP_DELIVER_HOURS", "24"))
HELP_URGENT_HOURS = float(os.environ.get("HELP_URGENT_HOURS", "4"))
# Below these, work stays in the request: a list of fewer rows exports at once, a smaller file previews at once.
# When each level's daily report is due (local time, HH:MM): a village's by 16:00, then the levels
# above it. Levels not listed confirm nothing (grids). Missing reports are told to the parent's officers.
REPORT_DEADLINES = dict(
    item.split("=", 1)
    for item in os.environ.get("REPORT_DEADLINES", "village=16:00,town=17:00,county=18:00,city=19:00").split(",")
    if "=" in item
)
# The longest range of days a report, completeness or export covers in one request.
REPORT_MAX_DAYS = int(os.environ.get("REPORT_MAX_DAYS", "31"))
EXPORT_BACKGROUND_ROWS = int(os.environ.get("EXPORT_BACKGROUND_ROWS", "5000"))
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", str(512 * 1024)))

REST_FRAMEWORK = {
    # Token first: DRF answers 401 (not 403) with WWW-Authenticate only when the first class names a scheme.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fangkong.accounts.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "fangkong.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "fangkong.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "fangkong.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "fangkong.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fangkong API",
    "DESCRIPTION": "Grid-based epidemic prevention and control. Areas are addressed by code; out of scope is 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Nothing in the schema is secret, but on a closed government network only users see how the system works.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Served from the drf-spectacular-sidecar package: no CDN on a closed government network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "CheckWindowEnum": "fangkong.health.models.Check.Window",
        "CaseClassificationEnum": "fangkong.health.cases.models.Classification",
        "DutyShiftEnum": "fangkong.duty.models.DutyRoster.Shift",
        "DutyLogKindEnum": "fangkong.duty.models.DutyLogEntry.Kind",
        "PioneerPostKindEnum": "fangkong.duty.models.PostKind",
        "VolunteerShiftKindEnum": "fangkong.duty.models.VolunteerShift.Kind",
        "VolunteerStatusEnum": "fangkong.duty.models.Volunteer.Status",
        "HandOverStatusEnum": "fangkong.checkpoints.models.HandOver.Status",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
# The load balancer asks the web servers themselves, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from our own static files: no inline script, style or event handler anywhere
# (a test in the browser fails on any violation). Images also as data: URIs (Bootstrap's and Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Fernet key for personal data (ID numbers), generated into var/ when absent. Keep it with the backups:
# without it, stored ID numbers cannot be read.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or kept_secret(
    "field_encryption_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
