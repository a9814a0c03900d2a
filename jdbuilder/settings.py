"""Settings for JD Builder, read from the environment.

Development is the default only where it is safe: DEBUG is off unless DJANGO_DEBUG asks for it,
and with DEBUG off the app refuses to start without a SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, "
            "or DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "roles",
    "jdbuilder",
]

MIDDLEWARE = [
    # First, so it sees a "database is locked" from any layer below and answers 503, not 500.
    "jdbuilder.busy.BusyDatabaseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "jdbuilder.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "jdbuilder.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. IMMEDIATE takes the write lock when a transaction begins,
    # waiting up to `timeout` seconds for it, instead of failing at once with "database is
    # locked" when a reading transaction later tries to write while another one writes (an
    # O*NET import during sign-ins). What still waits too long gets jdbuilder/busy.py's 503.
    # WAL: readers never wait for the writer (pages stay readable during an import), and a
    # commit appends to the log instead of rewriting pages through a rollback journal;
    # synchronous=NORMAL syncs the log at checkpoints, not at every commit, which in WAL mode
    # keeps the database consistent after a crash of the app or the OS, at the risk of losing
    # the last commits on a power loss (PostgreSQL is the production database).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=float(os.environ.get("DATABASE_BUSY_TIMEOUT", "20")),
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

# Caches and sessions that every app server shares (docs/deploy.md).
# - REDIS_URL set (e.g. redis://127.0.0.1:6379/0): one Redis for all servers; short socket
#   timeouts so a Redis that hangs fails a cache call quickly instead of holding a worker.
# - otherwise, with DEBUG off: the database cache, a table in the shared database. Create it once
#   after `migrate` with `manage.py createcachetable` (idempotent; the test runner does it itself).
# - otherwise (local development, one runserver process): memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jdbuilder",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Fragments that are cheap to rebuild and keyed by everything they show (the wizard's preview,
# keyed by the draft's random public id and version): with Redis, shared as above; without it,
# in each process's memory, because a database-cache write (a transaction and a cull count)
# costs about as much as rebuilding the fragment, and a miss only means rebuilding it.
CACHES["fragments"] = (
    CACHES["default"]
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jdbuilder-fragments",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
)
# Sessions stay in the database (Django's `db` engine) whatever the cache: every server reads
# the same django_session table, a sign-in survives a Redis restart, flush or outage, and a
# lookup is one primary-key query. (`cached_db` would save that query but makes every request
# fail while Redis is down.)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "roles:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain finders while developing and testing.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Only the hashed copies are served; templates use {% static %}, and the PDF renderer reads
# fonts and CSS from static/ itself. Halves collectstatic's time and size.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: secure by default whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/jobs$"]
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # WeasyPrint logs every layout step at INFO: a worker run with `-l info` would log a dozen
    # lines per PDF.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Content Security Policy (django-csp) and sign-in throttling (django-axes) -------------------
# One policy for every response, the admin's included, with no 'unsafe-inline': our templates have
# no inline script or style and no on* or style attributes, and Django's admin and its select2
# autocomplete need none (tests/browser/test_csp.py walks every page type in Chromium).
# The one exception is a third party's: django-simple-history's history list writes
# <p class="paginator" style="border-top: 0">. Rather than copy its template, style-src-attr allows
# that exact attribute value by its hash ('unsafe-hashes' makes a hash apply to attributes); every
# other style attribute is still refused. Django's admin writes one inline <style> too, in
# change_list.html, but only for a ModelAdmin that turns off both action bars; none does, and
# tests/security/test_headers.py fails if one starts to.
# Downloads keep this policy: it travels as a header, never inside the saved file, so the HTML
# export (its own inline <style> and JSON-LD) works when opened from disk, while the same bytes
# could never run or style anything if a browser showed them on our origin.
# The hash of "border-top: 0", the attribute's value.
SIMPLE_HISTORY_PAGINATOR_STYLE = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-hashes'", SIMPLE_HISTORY_PAGINATOR_STYLE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling for the site's sign-in and the admin's (django-axes, database handler).
# Five wrong passwords for one username lock that account, from any address, for 15 minutes: an
# attacker spreading guesses over many addresses gets no more than five per cool-off. The address
# is not part of the lock: behind the TLS proxy every request comes from the proxy's address, so
# locking by address would lock everyone out. Guesses made while locked are refused unchecked and
# do not extend the lock. Staff unlock an account early with `manage.py axes_reset_username NAME`
# (or axes_reset for all), or by deleting its "Access attempts" row in the admin. axes.W006 asks
# for 'ip_address' in the lockout parameters; it is silenced on purpose, for the reason above.
from datetime import timedelta  # noqa: E402

AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Background work (Celery; docs/workers.md) ---------------------------------------------------
# CELERY_BROKER_URL names the broker (Redis), defaulting to REDIS_URL. With neither, tasks run
# in-process as they are queued (after the transaction commits), through the same task code:
# right for a laptop and `make run`, where no worker runs. The rows of jdbuilder.jobs hold what
# anyone waits for, so results need no backend and a flushed broker loses nothing.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One task at a time per pool process: a long export never holds back a short render queued
# behind it in the process's prefetch buffer.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Fail fast when the broker is down: a page that queues work answers anyway, the job's row
# stays queued and the sweep sends it again (jdbuilder/jobs/queue.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a worker took but never acknowledged (the worker was killed) is delivered
    # again after this many seconds. The job rows keep a duplicate harmless.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900")),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BEAT_SCHEDULE = {
    "sweep": {"task": "jobs.sweep", "schedule": 60.0},
    "clean-up": {"task": "jobs.clean_up", "schedule": 3600.0},
    # Hourly; each waiting stage is reminded at most once per APPROVAL_REMINDER_WORKING_DAYS.
    "approval-reminders": {"task": "approvals.remind", "schedule": 3600.0},
    # Every 15 minutes: postings past their closing date close, and reminders go out.
    "postings": {"task": "publishing.close_and_remind", "schedule": 900.0},
}
# --- Publishing (docs/publishing.md) ---------------------------------------------------------
# A posting's manager and the recruiters are reminded this many days before it closes.
POSTING_CLOSING_REMINDER_DAYS = int(os.environ.get("POSTING_CLOSING_REMINDER_DAYS", "3"))
# A closed posting's page says so for this many days, then answers 410 Gone.
POSTING_GONE_AFTER_DAYS = int(os.environ.get("POSTING_GONE_AFTER_DAYS", "30"))
# Postings per page of the careers page; a public response is kept this many seconds.
CAREERS_PAGE_SIZE = int(os.environ.get("CAREERS_PAGE_SIZE", "20"))
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
# --- Review and approval (docs/approvals.md) -------------------------------------------------
# A stage waiting this many working days (Monday to Friday) reminds its approvers, and again
# after as many more.
APPROVAL_REMINDER_WORKING_DAYS = int(os.environ.get("APPROVAL_REMINDER_WORKING_DAYS", "2"))
# Share links for outside reviewers: valid this many days unless the manager picks fewer (at
# most SHARE_LINK_MAX_DAYS), and taking this many comments.
SHARE_LINK_DAYS = int(os.environ.get("SHARE_LINK_DAYS", "7"))
SHARE_LINK_MAX_DAYS = int(os.environ.get("SHARE_LINK_MAX_DAYS", "30"))
SHARE_LINK_MAX_COMMENTS = int(os.environ.get("SHARE_LINK_MAX_COMMENTS", "1"))
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule")
)
# A queued job not started after this many seconds is sent to the broker again by the sweep.
JOBS_RESEND_AFTER = int(os.environ.get("JOBS_RESEND_AFTER", "120"))
# Finished jobs (and their logs) are kept this many days.
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "30"))
# A library export posts up to 1,000 ticked rows (jdbuilder.exports.services.MAX_EXPORT_ITEMS),
# each one form field: Django's default of 1,000 fields would refuse it before the view could
# say what is wrong.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1200

# The largest O*NET release zip staff may upload in the admin (docs/onet-import.md).
ONET_UPLOAD_MAX_BYTES = int(os.environ.get("ONET_UPLOAD_MAX_BYTES", str(300 * 1024 * 1024)))

# --- E-mail (jdbuilder/mail.py; sent by the workers) ----------------------------------------------
# The console in development; SMTP from the environment in production. EMAIL_BACKEND overrides
# either (e.g. django.core.mail.backends.locmem.EmailBackend on a staging server).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both.")
# Seconds a worker waits on the mail server before the send counts as failed (and is retried).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "JD Builder <jdbuilder@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Where the site is reached from outside: e-mails link to it (mail.absolute_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
