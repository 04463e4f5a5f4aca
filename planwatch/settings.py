"""Settings, read from environment variables with safe defaults.

A fresh clone runs with no configuration at all: SQLite in ``./var``, a secret key generated
into the same folder. Production sets ``DATABASE_URL``, ``ALLOWED_HOSTS`` and
``PLANWATCH_SECRET_KEY``; ``planwatch serve`` refuses to start without them (see
``planwatch.core.config``).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_count(name: str, default: int) -> int:
    """A whole number of at least 0; anything else stops start-up with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PLANWATCH_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEMO = env_bool("PLANWATCH_DEMO")
DEBUG = env_bool("PLANWATCH_DEBUG", default=DEMO)


def _secret_key() -> str:
    if key := os.environ.get("PLANWATCH_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Created once per data folder, readable by its owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENV = bool(os.environ.get("PLANWATCH_SECRET_KEY"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "planwatch.core",
    "planwatch.accounts",
    "planwatch.actors",
    "planwatch.plans",
    "planwatch.reporting",
    "planwatch.indicators",
    "planwatch.datasets",
    "planwatch.documents",
    "planwatch.backoffice",
    "planwatch.portal",
    "planwatch.api",
    "planwatch.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every response and 304 Not Modified when the page has not changed.
    "django.middleware.http.ConditionalGetMiddleware",
    # Public plan pages for anonymous readers, cached until any content changes.
    "planwatch.core.page_cache.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns locked-out log-ins into a clear "locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "planwatch.urls"
WSGI_APPLICATION = "planwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "planwatch.core.context_processors.languages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'planwatch.sqlite3'}",
        conn_max_age=int(os.environ.get("PLANWATCH_DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per process; cached public pages are keyed by the data version, so nothing stale is served.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PLANWATCH_PAGE_CACHE_ENTRIES", "5000"))},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses log-ins for an account and address that failed too often.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Three failed log-ins for the same account from the same address lock it for a minute; each
# further lock within a day lasts four times longer, up to a day (planwatch.accounts.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("PLANWATCH_LOGIN_FAILURES", "3"))
AXES_COOLOFF_TIME = "planwatch.accounts.lockout.cool_off"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# "Victim@…" and "victim@…" are one account with one failure count.
AXES_USERNAME_CALLABLE = "planwatch.accounts.lockout.username"
# Behind a reverse proxy every request comes from the proxy's address: with the number of trusted
# proxies set, the client's own address is read from X-Forwarded-For (never without it).
TRUSTED_PROXIES = env_count("PLANWATCH_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "planwatch.accounts.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Every answer to a password-reset request takes at least this long, so that sending the e-mail
# to a known address cannot be told from an unknown one by timing (planwatch.accounts.throttle).
PASSWORD_RESET_ANSWER_SECONDS = 1.0
SESSION_COOKIE_AGE = int(os.environ.get("PLANWATCH_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "planwatch@localhost")
# The address people reach Planwatch at, for links in e-mails (without it they give the path).
SITE_URL = os.environ.get("PLANWATCH_SITE_URL", "").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The product speaks four languages; content falls back in this order (see planwatch.lib.i18n).
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("de", _("German")),
    ("en", _("English")),
]
CONTENT_FALLBACK = ("nl", "fr", "en", "de")
MODELTRANSLATION_DEFAULT_LANGUAGE = "nl"
MODELTRANSLATION_LANGUAGES = ("nl", "fr", "de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = CONTENT_FALLBACK
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "planwatch.core.storage.StaticStorage"
        )
    },
}
# Tests and `planwatch demo` serve static files straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("PLANWATCH_STATIC_FINDERS")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "portal:home"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PLANWATCH_SSL_REDIRECT", default=True)
    # The proxy checks each server over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("PLANWATCH_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PLANWATCH_HSTS_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("PLANWATCH_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PLANWATCH_LOG_LEVEL", "WARNING")},
}

# The REST API (planwatch.api, docs/api.md): public data without authentication, personal API
# tokens ("Authorization: Token ..."), an OpenAPI 3.1 schema and its documentation served from
# the bundled static files of drf-spectacular-sidecar (no CDN).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "planwatch.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "planwatch.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Planwatch API",
    "DESCRIPTION": (
        "Published plans, measures, statuses, budgets and indicators: published data only, "
        "no authentication needed. Personal tokens (Authorization: Token ...) identify a "
        "person. Content is given per language; errors are JSON with a detail message."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "planwatch.plans.models.Status"},
}
