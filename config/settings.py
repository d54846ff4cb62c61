"""Settings for Tanggap, read from the environment with safe defaults.

With no environment at all the project runs embedded: SQLite, Celery tasks run
eagerly in-process, mail printed to the console. Production sets at least
DJANGO_SECRET_KEY, DJANGO_DEBUG=false, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
CELERY_BROKER_URL (see README.md).
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSECURE_SECRET_KEY = "django-insecure-tanggap-development-only"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", default=INSECURE_SECRET_KEY)
if SECRET_KEY == INSECURE_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY: the built-in key is only accepted with DJANGO_DEBUG=true."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts",
    "forum",
    "triage",
    "demo",
    "triage.admin_config.ConsoleAdminConfig",  # django.contrib.admin as the Tanggap console
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached pages carry the header too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "triage.api.middleware.FeedLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "forum.middleware.AnonymousPageCache",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.notifications",
            ],
        },
    },
    {
        # The hottest pages (config/jinja2.py): templates/jinja2/ and <app>/jinja2/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "config.jinja2.csrf",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands otherwise
# (postgres://user@host:5432/name through psycopg 3).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, live_server tests) write at once: wait, don't fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # psycopg prepares a query a connection runs for the fifth time (which needs the
    # parameters bound by the server): PostgreSQL then no longer plans it, which cost it
    # more than running most page queries (thread page: 0.25 ms planning, 0.03 ms
    # execution). Off behind a pooler in transaction mode that does not keep prepared
    # statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

# Pages anonymous readers get are rendered once per this many seconds (0: never cached).
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=0 if DEBUG else 10)

# A page of the engineering feed's cluster list is built at most once per this many
# seconds for the same URL (0: every time).
FEED_CACHE_SECONDS = env.int("FEED_CACHE_SECONDS", default=2)

# Cache: per-process memory by default; production sets CACHE_URL=redis://... so that
# rate limits hold across gunicorn workers and machines. Redis goes through
# config.cache.FailSafeRedisCache: while it is down pages are served uncached and rate
# limits fail open; short socket timeouts keep an unreachable Redis from holding a request.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://tanggap")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.FailSafeRedisCache"
    from redis.exceptions import ConnectionError as RedisConnectionError

    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        # After a Redis restart every pooled connection is dead: retry once, at once, on
        # a new one, rather than call the cache down.
        "retry_on_error": [RedisConnectionError],
        **CACHES["default"].get("OPTIONS", {}),
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# django-allauth: email only, verification mandatory, allauth's own rate limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tanggap] "
# Behind a reverse proxy every request comes from the proxy's address, so login and
# signup limits per IP would lock everyone out together. Name the proxies you run:
# TRUSTED_PROXY_COUNT=1 takes the client from the last X-Forwarded-For entry your proxy
# appended (entries a client sends itself are ignored), or TRUSTED_CLIENT_IP_HEADER
# (e.g. X-Real-IP) a header your proxy sets. Neither set: the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_email": "1/m/user",
}

# Mail: printed to the console unless EMAIL_URL (smtp://user:pass@host:587/?tls=True) is set.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tanggap <noreply@tanggap.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: Indonesian first, English second; the fan's profile wins over
# the browser once set (accounts.middleware).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain names while developing and
        # in tests, which run without collectstatic.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Celery: no broker means tasks run eagerly in the calling process (the embedded default).
BROKER_CONFIGURED = bool(env("CELERY_BROKER_URL", default=""))
# Eager tasks never touch a broker; "memory://" only keeps Celery from looking for AMQP.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://localhost/"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or None
if not CELERY_RESULT_BACKEND and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Lets several deployments (or a test's private worker) share one broker.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Pipeline tasks are fire-and-forget; waiting on a result store would also make publishing
# hang while Redis is down. Tasks whose result someone reads say ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Publishing a task must never hang a web request for long when the broker is down:
# the sweeper picks up whatever could not be queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# The sweeper leaves a thread this long to its own task before triaging it itself.
TRIAGE_SWEEP_GRACE_SECONDS = env.int("TRIAGE_SWEEP_GRACE_SECONDS", default=120)
# Periodic jobs (Celery beat); every interval in seconds, from the environment.
CELERY_BEAT_SCHEDULE: dict = {
    # The digest goes out once a day at DIGEST_HOUR, Jakarta time (CELERY_TIMEZONE).
    "forum-daily-digest": {
        "task": "forum.tasks.send_daily_digests",
        "schedule": crontab(hour=env.int("DIGEST_HOUR", 7), minute=0),
    },
    "forum-screenshots": {
        "task": "forum.tasks.encode_pending_screenshots",
        "schedule": env.int("SCREENSHOT_SWEEP_SECONDS", 60),
    },
    "triage-sweep": {"task": "triage.sweep", "schedule": env.int("TRIAGE_SWEEP_SECONDS", 60)},
    "triage-spikes": {
        "task": "triage.detect_spikes",
        "schedule": env.int("TRIAGE_SPIKE_SECONDS", 120),
    },
    "triage-heat": {"task": "triage.refresh_heat", "schedule": env.int("TRIAGE_HEAT_SECONDS", 600)},
    "triage-consolidate": {
        "task": "triage.consolidate",
        "schedule": env.int("TRIAGE_CONSOLIDATE_SECONDS", 3600),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "config.renderers.BrowsableAPIRenderer",  # with the docs' relaxed style policy
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Docstrings are the browsable API's descriptions: ``code`` shows as code, not markup.
    "VIEW_DESCRIPTION_FUNCTION": "triage.api.views.view_description",
    # Per API token (triage.api.throttles); a refused request gets 429 and Retry-After.
    "DEFAULT_THROTTLE_RATES": {
        "triage_api": env("TRIAGE_API_RATE", default="1200/minute"),
        "triage_api_write": env("TRIAGE_API_WRITE_RATE", default="120/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tanggap triage feed",
    "DESCRIPTION": "Clusters of fan-reported problems for engineering, with status write-back.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's JavaScript and CSS come from drf-spectacular-sidecar, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClusterStatusEnum": "triage.models.ClusterStatus",
        "ThreadStatusEnum": "forum.models.Status",
        "WritableStatusEnum": "triage.api.serializers.WRITABLE_STATUS_CHOICES",
    },
}

# Webhooks go to public addresses only; these networks (CIDR, comma-separated) are allowed
# too, for a tracker on the premises: e.g. WEBHOOK_ALLOWED_NETWORKS=10.20.0.0/16.
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
for _network in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {_error}") from None

# Sessions are read from the cache and written through to the database: a signed-in page
# costs one query less (the database still has them when the cache is cleared or down).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Security: strict in production, relaxed only when DEBUG is on.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files,
# no inline script, handler or style anywhere (data for scripts goes in data-* attributes
# or json_script). The API docs page relaxes styles and images for Swagger UI
# (config/urls.py). Browser tests fail on any violation (tests/browser/test_csp_browser.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler printed every warning a second time beside ours.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}
