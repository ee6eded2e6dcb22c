"""Project settings, read from the environment.

Two modes:
- embedded (default): SQLite in WAL mode and files under KINTRACE_DATA_DIR; a secret key is
  generated once into the data directory so a newcomer needs no configuration.
- production (KINTRACE_MODE=production): every secret must come from the environment, and a
  start without them refuses (ImproperlyConfigured) instead of running with a weak default.
"""

import os
import secrets
import stat
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Every KINTRACE_ variable is read through kintrace.config and listed in docs/configuration.md.
from kintrace import config
from kintrace.config import (
    data_dir,
    envaddress,
    envbool,
    envchoice,
    envint,
    envorigins,
    envstr,
)

PACKAGE_DIR = Path(__file__).resolve().parent
MODE = envchoice("KINTRACE_MODE", "embedded", ("embedded", "production"))
PRODUCTION = MODE == "production"
DATA_DIR = data_dir()
FILES_DIR = DATA_DIR / "files"


def _private_data_dir(path: Path) -> None:
    """Make the data directory the owner's alone: created 0700; an existing one tightened
    (directories 0700, files 0600; everything below it when the directory itself was open,
    else the entries directly in it: database, -wal/-shm, key files).

    Every process that reads these settings (the CLI, `kintrace serve`, a WSGI server) also
    creates files 0600 and directories 0700 from here on (umask 077): the database, keys,
    stored files and lists hold what a dump must not give away. Tightening rather than
    refusing, because the old default left directories 755 and files 644 by accident, not by
    choice; a directory we may not chmod (someone else's) is refused.
    """
    os.umask(0o077)

    def tighten(p: Path) -> None:
        mode = p.lstat().st_mode
        if stat.S_ISDIR(mode) and mode & 0o077:
            p.chmod(0o700)
        elif stat.S_ISREG(mode) and mode & 0o077:
            p.chmod(0o600)

    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        was_open = path.stat().st_mode & 0o077
        tighten(path)
        below = path.rglob("*") if was_open else path.iterdir()
        for child in below:
            tighten(child)
    except PermissionError as e:
        raise ImproperlyConfigured(
            f"KINTRACE_DATA_DIR={path} cannot be created or made private to this user "
            f"({e.strerror}: {e.filename}); make it the kintrace user's and chmod 700 it"
        ) from None


_private_data_dir(DATA_DIR)


def _secret_key() -> str:
    key = envstr("KINTRACE_SECRET_KEY")
    if key:
        if len(key) < 40:
            raise ImproperlyConfigured("KINTRACE_SECRET_KEY must be at least 40 characters")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("KINTRACE_MODE=production needs KINTRACE_SECRET_KEY")
    # Embedded mode: one random key per data directory, readable only by its owner.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("KINTRACE_DEBUG", "False")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("KINTRACE_DEBUG=True is refused in production mode")

_hosts = envstr("KINTRACE_ALLOWED_HOSTS")
if PRODUCTION and not _hosts:
    raise ImproperlyConfigured("KINTRACE_MODE=production needs KINTRACE_ALLOWED_HOSTS")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "kintrace.web",
    "kintrace.audit",
    "kintrace.accounts",
    "kintrace.registry",
    "kintrace.security",
    "kintrace.cases",
    "kintrace.intake",
    "kintrace.lists",
    "kintrace.remains",
    "kintrace.releases",
    "kintrace.figures",
    "kintrace.api",
    "kintrace.ops",
    "kintrace.extraction",
]

MIDDLEWARE = [
    "kintrace.web.middleware.SecurityHeadersMiddleware",
    "kintrace.web.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a parameter, after the language is known (its 400 is translated):
    # PostgreSQL refuses NUL in text (see web/params.py).
    "kintrace.web.params.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the auth backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kintrace.urls"
WSGI_APPLICATION = "kintrace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kintrace.web.context.kintrace",
            ],
        },
    }
]

_database_url = envstr("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "kintrace.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers queue
                # on busy_timeout instead of one failing with "database is locked" on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": envstr("KINTRACE_SQLITE_TEST_NAME") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"  # sends each role to its own first page

# Short idle sessions for staff; reporters get no session beyond the form's CSRF protection.
SESSION_COOKIE_AGE = envint("KINTRACE_SESSION_SECONDS", "1800")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# No max-age: the CSRF cookie dies with the browser session.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "kintrace.web.views.csrf_failure"
# Production runs behind a TLS reverse proxy (docs/security.md, deploy/nginx/): cookies only
# over TLS, and HSTS on every TLS response. Django sends HSTS only on requests it sees as
# secure, so an onion address served over plain http (Tor encrypts it) gets none.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = envint("KINTRACE_HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("KINTRACE_HSTS_INCLUDE_SUBDOMAINS", "False")
# The address of the reverse proxy, the only peer whose X-Forwarded-Proto is believed
# (`kintrace serve` hands it to waitress, which drops the header from anyone else). The client
# address the proxy forwards is never taken: REMOTE_ADDR stays the proxy's own.
TRUSTED_PROXY = envaddress("KINTRACE_TRUSTED_PROXY")
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only for a proxy that rewrites the Host or the port: the browser's Origin must then be named.
CSRF_TRUSTED_ORIGINS = envorigins("KINTRACE_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts,
# which Django's CSRF origin check (rightly) refuses. Nothing leaks to other sites either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-axes: lock a username after repeated failures, per browser. The lockout key is the
# username plus a device label (kintrace.accounts.devices): "device:<id>" for a browser whose
# signed device cookie this account trusts, "untrusted" for every other browser. Our handler puts
# the label where axes keeps the User-Agent, so neither the real User-Agent nor any client IP
# address is ever stored (docs/security.md, "Lockout").
AXES_FAILURE_LIMIT = envint("KINTRACE_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 1  # hours
AXES_HANDLER = "kintrace.accounts.lockout.DeviceLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "user_agent"]]
AXES_IPWARE_META_PRECEDENCE_ORDER: list[str] = []
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
# Without django-ipware axes falls back to REMOTE_ADDR; this callable returns None so no
# address reaches AccessAttempt. Successful logins are in our own audit log instead of AccessLog.
AXES_CLIENT_IP_CALLABLE = "kintrace.accounts.lockout.no_client_ip"
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "kintrace.accounts.lockout.lockout_response"
# axes warns that a lockout without the address can be dodged by rotating the client; that holds
# for fresh browsers only within their shared "untrusted" bucket, and keying on the address
# would mean storing it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = config.LANGUAGE_CODE
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [config.LOCALE_DIR]
USE_I18N = True
# Dates look the same in every language (kintrace/formats/<lang>/formats.py: 14.03.1987).
FORMAT_MODULE_PATH = ["kintrace.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = FILES_DIR

# Where the public pages' quick-exit button goes: a neutral, everyday site.
KINTRACE_QUICK_EXIT_URL = envstr("KINTRACE_QUICK_EXIT_URL", "https://yandex.ru/pogoda/")
if not KINTRACE_QUICK_EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"Unexpected value KINTRACE_QUICK_EXIT_URL="
        f"{KINTRACE_QUICK_EXIT_URL}, use an https:// address"
    )

# Uploads: refuse politely above these sizes (the views check and say so).
KINTRACE_MAX_UPLOAD_BYTES = envint("KINTRACE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
KINTRACE_MAX_LIST_BYTES = envint("KINTRACE_MAX_LIST_BYTES", str(100 * 1024 * 1024))
# What one list file may hold, checked while it is read (kintrace.lists.limits).
KINTRACE_LIST_MAX_ROWS = envint("KINTRACE_LIST_MAX_ROWS", "1000000")
KINTRACE_LIST_MAX_COLUMNS = envint("KINTRACE_LIST_MAX_COLUMNS", "200")
KINTRACE_LIST_MAX_CELLS = envint("KINTRACE_LIST_MAX_CELLS", "2000000")
# The smallest count an anonymised release shows (kintrace.releases; docs/numbers-estimate.md).
KINTRACE_RELEASE_MIN_COUNT = envint("KINTRACE_RELEASE_MIN_COUNT", "5", minimum=2)
KINTRACE_LIST_MAX_CELL_CHARS = envint("KINTRACE_LIST_MAX_CELL_CHARS", "10000")
KINTRACE_LIST_MAX_HEADER_CHARS = envint("KINTRACE_LIST_MAX_HEADER_CHARS", "500")
KINTRACE_LIST_MAX_UNCOMPRESSED = envint("KINTRACE_LIST_MAX_UNCOMPRESSED", str(200 * 1024 * 1024))
KINTRACE_LIST_MAX_RATIO = envint("KINTRACE_LIST_MAX_RATIO", "200")
# Receipt guesses: one server-wide leaky bucket (kintrace.intake.throttle, docs/intake.md).
KINTRACE_RECEIPT_FAILURE_BURST = envint("KINTRACE_RECEIPT_FAILURE_BURST", "30", minimum=1)
KINTRACE_RECEIPT_FAILURES_PER_MINUTE = envint(
    "KINTRACE_RECEIPT_FAILURES_PER_MINUTE", "20", minimum=1
)
# The relatives' Telegram bot (kintrace.bot, docs/intake.md). The token is also read by the web
# process, to send the opt-in "there is an answer" notice when staff answer a report.
KINTRACE_TELEGRAM_TOKEN = envstr("KINTRACE_TELEGRAM_TOKEN")
KINTRACE_TELEGRAM_API_URL = envstr("KINTRACE_TELEGRAM_API_URL", "https://api.telegram.org").rstrip(
    "/"
)
if not KINTRACE_TELEGRAM_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"Unexpected value KINTRACE_TELEGRAM_API_URL={KINTRACE_TELEGRAM_API_URL}, "
        "use an https:// address"
    )
KINTRACE_TELEGRAM_IDLE_SECONDS = envint("KINTRACE_TELEGRAM_IDLE_SECONDS", "900", minimum=1)
# Background jobs (kintrace.lists.background): a job whose heartbeat is older is stale; drafts
# and failed lists untouched this many days are discarded.
KINTRACE_JOB_STALE_SECONDS = envint("KINTRACE_JOB_STALE_SECONDS", "120", minimum=30)
KINTRACE_ABANDONED_DAYS = envint("KINTRACE_ABANDONED_DAYS", "7", minimum=1)
# `kintrace doctor` and the backups page call a backup older than this late (docs/operations.md).
KINTRACE_BACKUP_MAX_AGE_HOURS = envint("KINTRACE_BACKUP_MAX_AGE_HOURS", "26", minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every uploaded file stays in memory, up to the largest request `kintrace serve` accepts:
# Django's default would write files over 2 MiB to the temporary directory in clear.
FILE_UPLOAD_HANDLERS = ["kintrace.web.uploads.MemoryOnlyUploadHandler"]
# Files and directories Django's storage writes under the data directory: the owner's alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Logging: never the client address. The default Django request logger is kept off the
# console for 4xx so that no request line with an address is written anywhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "kintrace": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The Telegram libraries: httpx's INFO line names the URL, which holds the bot token,
        # and python-telegram-bot's DEBUG lines hold whole updates (who wrote what). Warnings
        # only, and those never carry an update (kintrace.bot.app sets its own error handler).
        "httpx": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "httpcore": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "telegram": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
