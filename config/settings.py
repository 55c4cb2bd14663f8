"""tiaodu settings: one module, driven by environment variables, failing loudly on a bad value.

Variables (all optional in development, see docs/deployment in README):
  TIAODU_ENV            development | production | test   (default development)
  TIAODU_SECRET_KEY     required in production
  TIAODU_DATABASE_URL   default sqlite:///<TIAODU_DATA_DIR>/tiaodu.sqlite3 ; postgres://... in production
  TIAODU_DATA_DIR       where SQLite, uploads and imports live (default ./var)
  TIAODU_ALLOWED_HOSTS  comma separated (default 127.0.0.1,localhost in development)
  TIAODU_CSRF_TRUSTED_ORIGINS comma separated origins, e.g. https://tiaodu.example.gov.cn
  TIAODU_DEBUG          0/1, development only
  TIAODU_REDIS_URL      redis://host:6379/0 for background jobs in production (default: a SQLite
                        queue file in TIAODU_DATA_DIR, no broker needed)
  TIAODU_EMAIL_HOST     SMTP server for reminders (none: reminders stay in the app); also
                        TIAODU_EMAIL_PORT (25), TIAODU_EMAIL_USER, TIAODU_EMAIL_PASSWORD,
                        TIAODU_EMAIL_USE_TLS (0/1), TIAODU_EMAIL_FROM
  TIAODU_FIGURES_WARM_SECONDS  how often each server process refreshes the dashboard's kept
                        per-project records in the background (default 600; 0: never)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 0/1, true/false, yes/no or on/off")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={value!r}: expected an integer") from error


ENVIRONMENT = env("TIAODU_ENV", "development")
if ENVIRONMENT not in ("development", "production", "test"):
    raise ImproperlyConfigured(f"TIAODU_ENV={ENVIRONMENT!r}: expected development, production or test")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env("TIAODU_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = env("TIAODU_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("TIAODU_SECRET_KEY must be set in production (50+ random characters)")
    SECRET_KEY = "development-only-insecure-key-" + "x" * 40
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("TIAODU_SECRET_KEY is too short: use at least 50 random characters")

DEBUG = env_bool("TIAODU_DEBUG", ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TIAODU_DEBUG must be off in production")

ALLOWED_HOSTS = env_list(
    "TIAODU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("TIAODU_ALLOWED_HOSTS must name the host(s) users type in production")
CSRF_TRUSTED_ORIGINS = env_list("TIAODU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "core",
    "reference",
    "org",
    "promotion",
    "projects",
    "dispatch",
    "matters",
    "lights",
    "reports",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.history.HistoryContextMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("TIAODU_DATABASE_URL", f"sqlite:///{DATA_DIR / 'tiaodu.sqlite3'}"),
        conn_max_age=env_int("TIAODU_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections matter on SQLite too: a new connection re-reads the schema (≈0.7 ms a
    # request, measured with bench/rest_benchmark.py); WAL keeps no lock between requests.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked" upgrades.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TIAODU_TEST_SQLITE_NAME", None)}
elif DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured("TIAODU_DATABASE_URL: only sqlite:// and postgres:// are supported")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock that user name from that address for 30 minutes.
AXES_FAILURE_LIMIT = env_int("TIAODU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("TIAODU_LOGIN_THROTTLING", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Background and periodic jobs (huey): a SQLite queue beside the database by default, Redis when
# configured; tests run jobs at once (immediate mode, in memory).
REDIS_URL = env("TIAODU_REDIS_URL", "")
# dashboard.warm: each `tiaodu serve` worker refreshes the live figures' records this often (0: off).
FIGURES_WARM_SECONDS = env_int("TIAODU_FIGURES_WARM_SECONDS", 600)
HUEY = {
    "name": "tiaodu",
    "immediate": ENVIRONMENT == "test",
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}
EMAIL_HOST = env("TIAODU_EMAIL_HOST", "")
EMAIL_PORT = env_int("TIAODU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("TIAODU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("TIAODU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TIAODU_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("TIAODU_EMAIL_FROM", "tiaodu@localhost")
EMAIL_TIMEOUT = 10
# Site photos of progress reports: larger uploads are refused (the front web server should cap the
# request size too, e.g. nginx client_max_body_size).
PHOTO_MAX_BYTES = env_int("TIAODU_PHOTO_MAX_MB", 10) * 1024 * 1024
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
IMPORT_DIR = DATA_DIR / "imports"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploaded spreadsheets are parsed in a child process under these limits (see core/spreadsheets.py).
IMPORT_MAX_UPLOAD_BYTES = env_int("TIAODU_IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_INFLATED_BYTES = env_int("TIAODU_IMPORT_MAX_INFLATED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("TIAODU_IMPORT_MAX_ROWS", 50_000)
IMPORT_TIME_LIMIT_SECONDS = env_int("TIAODU_IMPORT_TIME_LIMIT_SECONDS", 60)
IMPORT_MEMORY_LIMIT_BYTES = env_int("TIAODU_IMPORT_MEMORY_LIMIT_BYTES", 1024 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RestrictedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.permissions.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tiaodu 调度 API",
    "DESCRIPTION": "重点项目调度平台的 REST 接口。每个接口只返回当前用户授权范围内的数据。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The stage choices are shared by several fields; name the enum once.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "projects.choices.Stage",
        "MatterNodeEnum": "matters.choices.Node",
        "EscalationLevelEnum": "matters.choices.EscalationLevel",
        "LightLevelEnum": "lights.choices.Level",
        "RegionLevelEnum": "org.choices.RegionLevel",
        "IndustryLevelEnum": "reference.choices.IndustryLevel",
        "DocumentKindEnum": "reports.choices.DocumentKind",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Content-Security-Policy: everything is served from our own origin; Swagger UI needs inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("TIAODU_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("TIAODU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("TIAODU_LOG_LEVEL", "WARNING")},
}

if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
