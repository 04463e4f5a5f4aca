"""Settings, read from environment variables with safe defaults.

A fresh clone runs with no configuration at all: SQLite in ``./var``, a secret key generated
into the same folder. Production sets ``DATABASE_URL``, ``ALLOWED_HOSTS`` and
``PLANWATCH_SECRET_KEY``; ``planwatch serve`` refuses to start without them (the checks are
in the ``serve`` command itself).
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
    "csp",
    "django_ratelimit",
    "planwatch.core",
    "planwatch.accounts",
    "planwatch.actors",
    "planwatch.plans",
    "planwatch.reporting",
    "planwatch.indicators",
    "planwatch.milestones",
    "planwatch.datasets",
    "planwatch.documents",
    "planwatch.backoffice",
    "planwatch.portal",
    "planwatch.api",
    "planwatch.ops",
    "planwatch.translations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public plan pages for anonymous readers, cached until any content changes: early, so a
    # cached page costs no session, routing or query (planwatch.core.page_cache).
    "planwatch.core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every response and 304 Not Modified when the page has not changed.
    "django.middleware.http.ConditionalGetMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # "Cache-Control: private, no-store" on work pages and every answer to a logged-in person.
    "planwatch.core.headers.PrivateAnswersMiddleware",
    # Anonymous requests that missed the page cache, limited per address (ANONYMOUS_RATE).
    "planwatch.core.ratelimit.AnonymousRateLimitMiddleware",
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
                "planwatch.core.context_processors.site",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many readers and a few writers at once (docs/architecture.md, "No lost updates"): in WAL
    # mode readers never wait for a writer; BEGIN IMMEDIATE takes the write lock when a
    # transaction starts, so a writer waits its turn (up to the busy timeout) instead of failing
    # with "database is locked" when it upgrades a read to a write; synchronous=NORMAL is safe in
    # WAL mode (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,  # seconds a writer waits for the lock (gunicorn allows a request 60)
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per process: the measure list's filter choices (keyed by the data version) and the counters
# of the anonymous rate limit.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# The public page cache (planwatch.core.page_cache), per process: at most this many pages and
# this many megabytes of them, least recently used out first.
PAGE_CACHE_ENTRIES = int(os.environ.get("PLANWATCH_PAGE_CACHE_ENTRIES", "2000"))
PAGE_CACHE_BYTES = int(float(os.environ.get("PLANWATCH_PAGE_CACHE_MB", "64")) * 1024 * 1024)
# How long a process trusts the data version it read: a cached page costs no query, and a change
# made through another process reaches its cached pages within this many seconds (0: read it for
# every request, one query per cached page).
PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("PLANWATCH_PAGE_CACHE_VERSION_SECONDS", "1"))

# Anonymous requests that miss the page cache (and downloads, reports), per address and process:
# "120/m" is 120 a minute; "0" or "off" switches the limit off. Over it: a 429 page. The counters
# live in each process's own memory, so N server processes allow up to N times the rate.
ANONYMOUS_RATE = os.environ.get("PLANWATCH_ANONYMOUS_RATE", "120/m").strip()
if ANONYMOUS_RATE.lower() in ("", "0", "off", "none"):
    ANONYMOUS_RATE = None
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
# The client's address as the log-in lock-out reads it (PLANWATCH_TRUSTED_PROXIES): behind a
# proxy, each reader is counted on their own, not everyone on the proxy's address.
RATELIMIT_IP_META_KEY = "planwatch.accounts.lockout.client_address"
# django-ratelimit asks for a cache shared by every process (memcached, Redis); Planwatch keeps
# none, and a limit per process is enough to stop one address from rendering page after page.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from another
# site. The API documentation and the HTML reports relax it for their own pages only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
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
# Dates as each language writes them: templates ask for DATE_FORMAT (see planwatch.lib.formats).
FORMAT_MODULE_PATH = ["planwatch.lib.formats"]
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# The public reports of published rounds, rendered once per data version and served as files
# (planwatch.documents.reports.published); after a round is published they are rendered in the
# background unless PLANWATCH_RENDER_REPORTS is off (then on first download).
REPORTS_DIR = DATA_DIR / "reports"
REPORTS_RENDER_ON_PUBLISH = env_bool("PLANWATCH_RENDER_REPORTS", default=True)
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

# Who publishes the site (the accessibility statement, the DCAT-AP catalogue, whose addresses
# start with SITE_URL), and the live site a static copy's log-in link leads to (none when
# empty). PLANWATCH_STATIC_EXPORT is set by publish-static while it renders pages.
PLANWATCH_ORGANISATION = os.environ.get("PLANWATCH_ORGANISATION", "").strip()
PLANWATCH_CONTACT_EMAIL = os.environ.get("PLANWATCH_CONTACT_EMAIL", "").strip()
PLANWATCH_LIVE_URL = os.environ.get("PLANWATCH_LIVE_URL", "").strip().rstrip("/")
PLANWATCH_STATIC_EXPORT = False

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
    # A document nested too deeply is a 400 like any other unreadable body (api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "planwatch.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
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
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "planwatch.plans.models.Status",
        "QualifierEnum": "planwatch.lib.figures.Qualifier",
        "PrintedQualifierEnum": "planwatch.lib.figures.Printed",
        "MappingKindEnum": "planwatch.plans.models.MeasureMapping.Kind",
    },
    # OpenAPI links between operations, for clients and schemathesis's stateful tests.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "planwatch.api.schema_links.add_links",
    ],
}
