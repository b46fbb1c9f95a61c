"""Settings, all from the environment.

Unset DATABASE_URL means a SQLite file in the project, unset CELERY_BROKER_URL means tasks run
eagerly in-process: together they are the embedded default `make run` uses. With DEBUG off
(production), SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL are required and their absence stops
the process at start-up rather than running with a guessable key or a file database.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
DEBUG = env.bool("DEBUG", default=False)


def required(name):
    """A variable production cannot run without."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (required when DEBUG is off).")
    return value


def strong_secret_key():
    """SECRET_KEY, refused when it is as weak as Django's deploy check (security.W009) says: a guessable
    key signs sessions and password-reset links, so a warning nobody reads is not enough."""
    key = required("SECRET_KEY")
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 characters with at least 5 different ones, "
            "e.g. the output of `openssl rand -hex 32`."
        )
    return key


def allowed_hosts():
    """ALLOWED_HOSTS without blanks; a list that is empty after stripping (' , ') is refused."""
    hosts = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS names no host: give the site's host names, comma-separated.")
    return hosts


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
else:
    SECRET_KEY = strong_secret_key()
    ALLOWED_HOSTS = allowed_hosts()
    DATABASES = {"default": env.db_url_config(required("DATABASE_URL"))}

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes SQLite's write lock when it begins and waits up to 20 s for it: two writers
    # at once (two reviewers, a double click) queue, and the later one sees the earlier one's change,
    # instead of failing with "database is locked" when both upgrade a read to a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

INSTALLED_APPS = [
    "yingkou_targets.apps.PlatformAdminConfig",  # django.contrib.admin, split by duty
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "health_check",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "departments",
    "signin",
    "indicators",
    "reporting",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yingkou_targets.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingkou_targets.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Remembers the request while it is served, so the audit trail knows who and from where (audit.context).
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and replaced sessions end; the second factor and a due password change come before anything else.
    "signin.middleware.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingkou_targets.urls"
WSGI_APPLICATION = "yingkou_targets.wsgi.application"

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
                "reporting.context_processors.product",
                "signin.context_processors.session_policy",
            ],
        },
    },
]

AUTH_USER_MODEL = "departments.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "signin.validators.LengthAndKindsValidator"},
    {"NAME": "signin.validators.NoUsernameValidator"},
    {"NAME": "signin.validators.HistoryValidator"},  # also keeps each new password's hash
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The sign-in policy (GB/T 22239 level 3, "identification and authentication"); read only through signin.policy.
# Passwords: at least PASSWORD_MIN_LENGTH characters of PASSWORD_MIN_CLASSES of the 4 kinds (lower, upper, digit,
# symbol), not the user name, not one of the last PASSWORD_HISTORY_COUNT; changed after PASSWORD_MAX_AGE_DAYS
# (0: never). An account an administrator creates or resets changes its password at first sign-in.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)
PASSWORD_MIN_CLASSES = env.int("PASSWORD_MIN_CLASSES", default=3)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
# Sessions end after SESSION_IDLE_MINUTES without a request (0: never for idleness; SESSION_COOKIE_AGE still
# caps them), the page warning SESSION_IDLE_WARNING_MINUTES before; with SESSION_SINGLE a sign-in ends the
# account's older sessions.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_IDLE_WARNING_MINUTES = env.int("SESSION_IDLE_WARNING_MINUTES", default=2)
SESSION_SINGLE = env.bool("SESSION_SINGLE", default=True)
# Second factor (django-otp): an authenticator app (TOTP) with one-time recovery codes, required for the
# administrators, anyone who may open the admin, and reviewers; for everyone with OTP_REQUIRED_FOR_ALL.
OTP_REQUIRED_FOR_ALL = env.bool("OTP_REQUIRED_FOR_ALL", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Yingkou Targets")  # the name authenticator apps show
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a user's key or recovery codes
# Per process, in memory: the overview keeps its rendered results part keyed by the latest recompute
# run, so a new run (or 10 minutes) replaces it; nothing needs sharing between processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 600}}

# The admin shows a figure's history but never reverts it (indicators.admin.FigureAdmin refuses the POST too).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting:landing"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js is served from the installed plotly wheel rather than committed (4.8 MB); see staticfinders.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "yingkou_targets.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery: no broker configured means the embedded default, where tasks run in-process and their
# exceptions propagate to the caller.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (OOM, deploy, kill -9) hands its message back rather than dropping it; a
# recompute run counts its attempts and gives up on one that keeps killing its worker.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With the broker or result store down, queueing a job fails within about a second instead of holding
# the request (Celery's default result-store policy retries for ~20 s); the periodic job catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
# An open recompute run silent for longer than this (no message taken, no batch finished) is marked failed
# and no longer shown as running; seconds. Keep it above the time of one batch of 5,000 indicators.
RECOMPUTE_RUN_TIMEOUT = env.int("RECOMPUTE_RUN_TIMEOUT", default=600)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The database scheduler copies this entry into its tables at start; an administrator may move it there.
CELERY_BEAT_SCHEDULE = {
    "recompute-all-nightly": {
        "task": "indicators.tasks.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Catches up what a lost or failed recompute left behind (see indicators.tasks.recompute_stale).
    "recompute-stale": {
        "task": "indicators.tasks.recompute_stale",
        "schedule": crontab(minute="*/5"),
    },
    "send-reminders-daily": {
        "task": "indicators.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Drops the bytes of old uploads and unconfirmed previews (see indicators.entry.uploads_clean).
    "clean-uploads-daily": {
        "task": "indicators.tasks.clean_uploads",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Uploads (see indicators.entry): files a user may upload in 24 hours; days the bytes and parsed rows of
# an upload are kept (the record of who uploaded what stays); seconds reading one workbook may take.
UPLOAD_QUOTA_PER_DAY = env.int("UPLOAD_QUOTA_PER_DAY", default=50)
UPLOAD_KEEP_DAYS = env.int("UPLOAD_KEEP_DAYS", default=90)
UPLOAD_PARSE_SECONDS = env.float("UPLOAD_PARSE_SECONDS", default=10.0)

# E-mail goes to the console unless EMAIL_URL names an SMTP server, e.g.
# smtp+tls://user:password@smtp.example.gov.cn:587 (see django-environ's email_url).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@yingkou-targets.local")
# Links in reminder e-mails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Deployment security (README: "HTTPS, proxies and headers") ---
# HTTPS is on by default in production: secure cookies, redirect to https and HSTS. A plain-HTTP intranet
# deployment sets HTTPS=false, or browsers never send the Secure session cookie back and nobody can log in.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
# The container's own health probe speaks plain HTTP on loopback, behind no proxy.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# X-Forwarded-Proto (and the client address in X-Forwarded-For) are believed only when a proxy is declared
# to set them: without one, any client could claim to be on https or come from anywhere.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # seconds: a working day, not 14 days

# Content-Security-Policy (django-csp 4): nothing is loaded from elsewhere. Scripts come from our static files;
# the only inline scripts are the plotly charts', which carry the request's nonce. Styles allow 'unsafe-inline':
# plotly.js injects <style> elements and style attributes while drawing, and the progress bars set their width
# in a style attribute; inline CSS cannot run code, so script-src stays strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its select arrows and checkmarks as data: SVGs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page uses, refused (yingkou_targets.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one account, or from one address,
# further attempts are refused for AXES_COOLOFF_MINUTES. `manage.py axes_reset_username NAME` (or the admin's
# access attempts) releases an account early, `manage.py axes_reset_ip ADDRESS` an address.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yingkou_targets.views.locked_out"  # the reason in Chinese, HTTP 429
AXES_CLIENT_IP_CALLABLE = "yingkou_targets.addresses.client_ip"
# The log line of a lockout names the account and the address (never the password), so an operator knows
# what to release and whom to ask.
AXES_SENSITIVE_PARAMETERS = []

# Security audit trail (the audit app): entries older than AUDIT_KEEP_DAYS are deleted by `manage.py audit_prune`.
# Logs of security events are kept at least six months (网络安全法 第二十一条, GB/T 22239-2019 8.1.4.3): a
# shorter period is refused at start-up, and on PostgreSQL a trigger refuses to delete entries younger than 180 days
# whatever this says (audit.models.MINIMUM_KEEP_DAYS).
AUDIT_KEEP_DAYS = env.int("AUDIT_KEEP_DAYS", default=180)
if AUDIT_KEEP_DAYS < 180:
    raise ImproperlyConfigured(
        f"AUDIT_KEEP_DAYS is {AUDIT_KEEP_DAYS}: audit entries must be kept at least 180 days (six months)."
    )

# Health (/health/): a finished recompute older than this, while approved figures exist, fails the check.
HEALTH_RECOMPUTE_MAX_AGE_HOURS = env.float("HEALTH_RECOMPUTE_MAX_AGE_HOURS", default=26)
# Prometheus metrics (/metrics): off unless METRICS_ENABLED, and then answered only to METRICS_ALLOWED_IPS
# (addresses or networks, e.g. 10.0.0.0/8); everyone else gets a 404.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

PRODUCT_NAME = _("Yingkou 14th Five-Year Energy-Saving Target Tracker")
