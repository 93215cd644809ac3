"""MANATNET settings: one module, driven by environment variables.

With nothing set the platform runs *embedded*: a SQLite file under ``var/``, Celery tasks executed in-process,
e-mail written to ``var/mail/``. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL, a real
Celery broker, worker and beat. Every variable is listed with its default in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from manatnet.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MANATNET_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine: DEBUG is on and no key was given.
    SECRET_KEY = "django-insecure-embedded-development-key-not-for-production-use-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "manatnet",
    "managers",
    "mandates",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: the request id (and the access line) cover everything below; the latency histogram too.
    "manatnet.logs.RequestContextMiddleware",
    "manatnet.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "manatnet.logs.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff see everyone's personal data: without a second factor in this session they only reach enrolment.
    "manatnet.second_factor.StaffSecondFactorMiddleware",
    "manatnet.headers.NoStoreForPersonalDataMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' own instruction).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "manatnet.urls"
WSGI_APPLICATION = "manatnet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except Exception as exc:  # dj-database-url raises several types; all mean the same to the operator.
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from exc
    DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is unreachable instead of hanging a request.
        DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "manatnet.sqlite3",
            # SQLite waits this many seconds for a lock instead of failing at once (web and task share the file).
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache ----------------------------------------------------------------------------------------------------
# Login counters (django-axes) and allauth's rate limits must be shared by every web process: Redis when it is
# there, else a table in the database (created by migration manatnet 0001). Never a per-process memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "manatnet",
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "manatnet_cache"}}

# --- Accounts (django-allauth, django-axes) -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "managers.forms.SignupConsentForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MANATNET] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Failed logins are counted per account and per client address (manatnet/logins.py) in the shared cache below;
# an account locks after AXES_FAILURE_LIMIT failures, an address after the higher AXES_ADDRESS_FAILURE_LIMIT.
AXES_HANDLER = "manatnet.logins.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = 1  # hours, counted from the last failure
AXES_USERNAME_CALLABLE = "manatnet.logins.login_identifier"
AXES_CLIENT_IP_CALLABLE = "manatnet.logins.client_address"
AXES_LOCKOUT_CALLABLE = "manatnet.logins.lockout_response"
AXES_VERBOSE = False
# No admin pages for django-axes: it writes no rows any more (the counters live in the cache, hashed).
AXES_ENABLE_ADMIN = False
# The client address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=n the n-th X-Forwarded-For entry from the right
# (each of the n proxies in front of us appends one). Never trusted by default: a client can send the header itself.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth's own limits share the cache too. Failed logins: above the axes limits, so that axes (one lock page, one
# reset on success) decides for passwords, while this still caps guessing second-factor codes per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{2 * AXES_ADDRESS_FAILURE_LIMIT}/h/ip,{2 * AXES_FAILURE_LIMIT}/h/key",
}
# Two-factor authentication (allauth.mfa): required for staff (manatnet/second_factor.py), optional for others.
MFA_ADAPTER = "manatnet.second_factor.SecondFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MANATNET"
# One 30-second step either side, for phones whose clock drifts (RFC 6238, section 5.2).
MFA_TOTP_TOLERANCE = 1

# --- Internationalisation -------------------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Private files (CVs) live outside any public URL and are served only by authorising views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
CV_MAX_BYTES = int(os.environ.get("CV_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ---------------------------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MANATNET <noreply@manatnet.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL.startswith(("smtp://", "smtps://")):
    from urllib.parse import unquote, urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = "tls=1" in (_mail.query or "")
    EMAIL_TIMEOUT = 10
elif EMAIL_URL == "console://":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_URL in ("", "file://"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    raise ImproperlyConfigured(f"EMAIL_URL must start with smtp://, smtps://, console:// or file://, not {EMAIL_URL!r}")

# --- Celery ---------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in the calling process: the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran, so a killed worker's task is delivered again; every task is
# idempotent (outbox rows are claimed by a conditional UPDATE), which makes redelivery harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: long sends must not hold back prefetched work from other workers.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged task after this long. Every retry backoff is capped well below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A hung Redis must not hang a web request: connect and socket timeouts are short.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # Publishing (a nudge) does not retry at all: a refused connection fails at once and the drain takes over.
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task may outlive the visibility timeout: a task still running when Redis redelivers its message would run
# twice at once. Drains stop themselves after NOTIFY_DRAIN_BUDGET_SECONDS; the hard limit catches a hung one.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# Redis does not hand back a SIGKILLed worker's unacknowledged message before the visibility timeout (an hour), so
# correctness never relies on redelivery: the outbox rows are the truth, and the drain below re-reads them every
# minute (including rows whose claim expired, NOTIFY_LEASE_SECONDS).

# --- Notifications (outbox) -------------------------------------------------------------------------------------
# Retries live in the database (next_attempt_at), not in broker ETAs: base·2^n seconds, capped well below the
# visibility timeout, NOTIFY_MAX_ATTEMPTS tries in all (60 s … 30 min: about 2.5 hours of trying).
NOTIFY_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "60"))
NOTIFY_RETRY_CAP_SECONDS = min(float(os.environ.get("NOTIFY_RETRY_CAP_SECONDS", "1800")), 3000)
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
# A claim older than this is taken over by the next drain: longer than one send (EMAIL_TIMEOUT 10 s + rendering).
NOTIFY_LEASE_SECONDS = float(os.environ.get("NOTIFY_LEASE_SECONDS", "300"))
NOTIFY_DRAIN_SECONDS = float(os.environ.get("NOTIFY_DRAIN_SECONDS", "60"))
NOTIFY_DRAIN_BUDGET_SECONDS = float(os.environ.get("NOTIFY_DRAIN_BUDGET_SECONDS", "50"))
# Rows a drain claims at once: few enough that a batch is sent well within the lease even at the SMTP timeout.
NOTIFY_DRAIN_BATCH = int(os.environ.get("NOTIFY_DRAIN_BATCH", "20"))
# Local hour (manager's time zone) from which the day's match digest goes out.
NOTIFY_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", "7"))
# Analytics (mandates/analytics/store.py): how often beat recomputes what the staff page, the dashboard panel and
# the sign-up page read from the shared cache, and how long a report for other filters is kept once computed.
ANALYTICS_WARM_MINUTES = float(os.environ.get("ANALYTICS_WARM_MINUTES", "30"))
ANALYTICS_FILTERED_SECONDS = int(os.environ.get("ANALYTICS_FILTERED_SECONDS", "3600"))

CELERY_BEAT_SCHEDULE = {
    # A timestamp in the shared cache: /healthz and /metrics report how long ago beat (and a worker) last ran.
    "beat-heartbeat": {"task": "manatnet.tasks.beat_heartbeat", "schedule": 60.0},
    # Safety net behind every on-commit nudge: sends what is due, retries, and rows of killed workers.
    "drain-outbox": {"task": "notifications.tasks.drain_outbox", "schedule": NOTIFY_DRAIN_SECONDS},
    # Open mandates whose matching never ran (broker down when they were opened).
    "match-unmatched-mandates": {"task": "mandates.matching.jobs.match_unmatched", "schedule": NOTIFY_DRAIN_SECONDS},
    # The matching change log keeps a day (mandates/matching/changes.py).
    "prune-index-changes": {"task": "mandates.matching.jobs.prune_index_changes", "schedule": crontab(minute=7)},
    # Every 15 minutes: each manager's digest goes out soon after NOTIFY_DIGEST_HOUR in their own time zone.
    "collect-digests": {"task": "notifications.tasks.collect_digests", "schedule": crontab(minute="*/15")},
    "availability-reminders": {
        "task": "managers.tasks.send_availability_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # GDPR storage limitation: what has served its purpose is deleted (RETENTION_* settings below).
    "apply-retention": {"task": "manatnet.tasks.apply_retention", "schedule": crontab(hour=3, minute=15)},
    # Time-to-mandate, funnel and panel figures into the shared cache; pages never compute them.
    "warm-analytics": {"task": "mandates.tasks.warm_analytics", "schedule": ANALYTICS_WARM_MINUTES * 60},
    # Yesterday's provider-wide figures (and any day missed in the last week) for the trend.
    "analytics-snapshots": {"task": "mandates.tasks.snapshot_analytics", "schedule": crontab(hour=0, minute=20)},
}

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MANATNET API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Security (production) ------------------------------------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from our own origin. No inline
# script, no inline event handler, no inline style: templates load static/js and static/css files instead.
# "data:" images are allowed for the QR code of the authenticator enrolment and Bootstrap's SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Features no page of ours uses are switched off for the page and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11")
# How long personal data is kept once it has served its purpose (every app's purges, manatnet.privacy, run daily
# by beat).
RETENTION_UNCONFIRMED_SIGNUP_DAYS = int(os.environ.get("RETENTION_UNCONFIRMED_SIGNUP_DAYS", "14"))
RETENTION_LEFT_MANAGER_DAYS = int(os.environ.get("RETENTION_LEFT_MANAGER_DAYS", "730"))
RETENTION_NOTIFICATION_DAYS = int(os.environ.get("RETENTION_NOTIFICATION_DAYS", "365"))
RETENTION_LOGIN_LOG_DAYS = int(os.environ.get("RETENTION_LOGIN_LOG_DAYS", "90"))
# A client's comment on a candidate, counted from the day the mandate closed.
RETENTION_CLIENT_COMMENT_DAYS = int(os.environ.get("RETENTION_CLIENT_COMMENT_DAYS", "365"))
# The audit log and the admin's change log: three years, the regular limitation period for claims (BGB § 195).
RETENTION_AUDIT_DAYS = int(os.environ.get("RETENTION_AUDIT_DAYS", "1095"))

# /metrics (Prometheus) answers a scraper sending "Authorization: Bearer <METRICS_TOKEN>" (and staff who may see
# the outbox); the same token shows /healthz's details. Empty: only staff.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# JSON lines in production (for a log shipper), readable lines in development; every line carries the request id,
# the user id and the Celery task id (manatnet/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = logging_config(json_lines=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO"))
# Celery keeps the logging configured above instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors (web and worker) to Sentry, only when a DSN is given; sentry-sdk then must be installed (optional).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from manatnet.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
