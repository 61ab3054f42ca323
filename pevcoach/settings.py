"""PEV Coach settings, read from the environment (and an optional `.env`).

Every variable is documented in `.env.example`. The defaults serve a developer:
SQLite under `var/`, no other server. Production sets DATABASE_URL, SECRET_KEY,
ALLOWED_HOSTS and leaves DEBUG off.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _load_dotenv(path):
    """Fill os.environ from KEY=VALUE lines; the real environment wins."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be True/False or 1/0, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-dev-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "pevcoach.orgunits",
    "pevcoach.accounts",
    "pevcoach.coaching",
    "pevcoach.indicators",
    "pevcoach.sync",
    "django_tasks",
    "django_tasks_db",
    "pevcoach.notifications",
    "pevcoach.dashboards",
    "pevcoach.front",
    "pevcoach.demo",
    "pevcoach.api",
    "pevcoach.audit",
    "axes",  # login throttling (see AXES_* below)
    "ninja",  # serves the API docs' Swagger UI from our static files: no CDN, no inline script
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pevcoach.accounts.middleware.SessionLimitsMiddleware",
    "pevcoach.audit.middleware.AuditMiddleware",
    "pevcoach.api.middleware.NulCharacterMiddleware",
    "pevcoach.accounts.middleware.UserLanguageMiddleware",
    "pevcoach.sync.middleware.OfflinePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pevcoach.front.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "pevcoach.dbrouting.ReplicaReadsMiddleware",  # dashboards read the replica, when there is one
]

ROOT_URLCONF = "pevcoach.urls"
WSGI_APPLICATION = "pevcoach.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pevcoach.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer holds the lock; the timeout makes a
    # busy database wait instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# --- Cache ------------------------------------------------------------------
# Figures worked out once per import (pevcoach/indicators/figures_cache.py). Without CACHE_URL each
# app server keeps its own in memory; with Redis (redis://127.0.0.1:6379/0) they share them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pevcoach",
                      "OPTIONS": {"MAX_ENTRIES": 2000}}}
if env_str("CACHE_URL", ""):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL"),
                         "KEY_PREFIX": "pevcoach"}

# Coaching counts of a region or the whole country (tens of thousands of sessions, actions, goals) are
# counted again at most this often; districts and centres are always counted live (dashboards/queries.py).
LARGE_AREA_COUNTS_SECONDS = env_int("LARGE_AREA_COUNTS_SECONDS", 60)

# A PostgreSQL streaming replica of DATABASE_URL, read by the dashboards (pevcoach/dbrouting.py);
# tests mirror it onto the default database. Writes and every other read stay on the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["pevcoach.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The throttle comes first: it refuses a locked-out (username, address) before any password is checked.
AUTHENTICATION_BACKENDS = [
    "pevcoach.accounts.backends.ThrottleBackend",
    "pevcoach.accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "accounts:login"
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
if not 1 <= API_TOKEN_DAYS <= 30:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be between 1 and 30 (a token is valid 30 days at most).")
# Web sessions: 30 minutes without a request ends them, 12 hours after sign-in at the latest. The idle
# limit is renewed once a minute at most (accounts/middleware.py), not by a write on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_MAX_SECONDS = env_int("SESSION_MAX_SECONDS", 12 * 3600)
SESSION_RENEW_SECONDS = 60
# Login throttling (django-axes): 5 failures in 15 minutes from one address lock that username for that
# address for 15 minutes; failures from many addresses only slow that username down (LOGIN_SLOWDOWN_*).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail
AXES_USERNAME_CALLABLE = "pevcoach.accounts.throttle.login_name"
AXES_CLIENT_IP_CALLABLE = "pevcoach.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "pevcoach.accounts.throttle.lockout_response"
AXES_VERBOSE = False
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 10)
LOGIN_SLOWDOWN_MAX_SECONDS = env_int("LOGIN_SLOWDOWN_MAX_SECONDS", 3)
# The client's address for throttling and the audit trail: the last X-Forwarded-For entry, which our
# own proxy appends, when behind one; otherwise the connection's address.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", env_bool("BEHIND_HTTPS_PROXY", True))
# Largest offline-sync batch accepted; the phone halves its batch when told 413.
SYNC_MAX_BYTES = env_int("SYNC_MAX_BYTES", 1_000_000)
# A phone's first sync brings the open records and this many days of history (0: all of it).
SYNC_HISTORY_DAYS = env_int("SYNC_HISTORY_DAYS", 365)

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pevcoach" / "locale"]
LANGUAGE_COOKIE_NAME = "pev_lang"
TIME_ZONE = env_str("TIME_ZONE", "Africa/Bamako")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Backups: Django's JSON with times kept to the microsecond (front/backup_format.py, front/backups.py).
SERIALIZATION_MODULES = {"pevjson": "pevcoach.front.backup_format"}

# --- Mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PEV Coach <noreply@localhost>")

# --- Security (HTTPS settings apply when DEBUG is off) ----------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", True) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Cookies only over HTTPS in production; SECURE_COOKIES=False serves a local benchmark over plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (pevcoach/front/middleware.py): scripts and styles from our own files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Background tasks and notifications ------------------------------------------------
# django-tasks with its database backend: jobs are rows in the same database, run by
# `manage.py db_worker` (one or several); `manage.py scheduler` enqueues the periodic jobs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NOTIFY_MORNING_HOUR = env_int("NOTIFY_MORNING_HOUR", 7)
NOTIFY_QUIET_HOURS = env_str("NOTIFY_QUIET_HOURS", "21:00-07:00")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_MAX_SEGMENTS = env_int("SMS_MAX_SEGMENTS", 1)
SMS_PER_USER_PER_DAY = env_int("SMS_PER_USER_PER_DAY", 3)
SMS_PER_DAY = env_int("SMS_PER_DAY", 300)
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)
SMS_HTTP_URL = env_str("SMS_HTTP_URL")
SMS_HTTP_AUTH_HEADER = env_str("SMS_HTTP_AUTH_HEADER", "Authorization")
SMS_HTTP_AUTH_VALUE = env_str("SMS_HTTP_AUTH_VALUE")
SMS_HTTP_CONTENT_TYPE = env_str("SMS_HTTP_CONTENT_TYPE", "application/json")
SMS_HTTP_BODY_TEMPLATE = env_str("SMS_HTTP_BODY_TEMPLATE", '{"to": "$to", "text": "$text", "id": "$id"}')
RAPIDPRO_URL = env_str("RAPIDPRO_URL").rstrip("/")
RAPIDPRO_TOKEN = env_str("RAPIDPRO_TOKEN")
# The scheduled incremental DHIS2 pull runs only when these are set.
DHIS2_URL = env_str("DHIS2_URL").rstrip("/")
DHIS2_TOKEN = env_str("DHIS2_TOKEN")
DHIS2_DATA_SETS = env_list("DHIS2_DATA_SETS")
DHIS2_PULL_HOUR = env_int("DHIS2_PULL_HOUR", 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
