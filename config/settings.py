"""Settings for Interco, read from the environment (see config/env.py and the README)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_email, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-not-for-production-use-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
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
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "core",
    "governance",
    "questionnaires",
    "conferences",
    "referrals",
    "mutualisation",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "governance.middleware.RequireSecretariatTOTPMiddleware",
    "core.middleware.PrivateNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Django's form templates, with <select>, radio and checkbox lists written in Python
# (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FormRenderer"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# django-allauth: email login, no open sign-up (people are invited), TOTP for the secretariat.
ACCOUNT_ADAPTER = "governance.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# An address is used (to log in, to receive a reset link) only once its owner has verified it:
# otherwise anyone could attach someone else's address to their account. Invited accounts
# start with their address verified (the invitation reached it). A new address replaces the
# old one only once verified, and an account has one address.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
    "login": "30/m/ip",
}
# Behind the reverse proxy every request comes from the proxy's address: the login rate limits
# would count all users as one client, and five failed logins would lock everyone out. The
# client's address is then read from the proxy's header: either the last TRUSTED_PROXY_COUNT-th
# entry of X-Forwarded-For (the proxies append to it, so earlier entries can be forged), or a
# header that the proxy sets alone (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP). 0 and no header:
# REMOTE_ADDR, for a portal served directly.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT doit être un entier positif ou nul.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Interco] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Interco"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
                "default_acl": None,
                "querystring_auth": True,
            },
        }
        if AWS_STORAGE_BUCKET_NAME
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Uploaded official files (the councillors' register of a métropole is a few MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_SIZE = env_int("IMPORT_MAX_UPLOAD_SIZE", 150 * 1024 * 1024)
# Other uploads (agenda and referral documents, attachments, questionnaire files): core.uploads.
UPLOAD_MAX_SIZE = env_int("UPLOAD_MAX_SIZE", 20 * 1024 * 1024)
# Zip containers (xlsx, docx, odt, ods) are checked from their central directory before anything
# is decompressed (core.uploads.open_zip): a 1 MB workbook of identical rows expands to hundreds
# of MB (a "zip bomb"), and openpyxl holds some parts whole in memory even in read-only mode
# (51 MB of shared strings took 275 MB, measured). Real files are far below these limits: the
# DGCL excerpt of two EPCI (131 communes) is 94 KB uncompressed as xlsx, 35,000 such rows (the
# national epcicom file, every commune) about 22 MB; a métropole's RNE file is a few MB; an office
# attachment of 20 MB is mostly images, which do not compress. Worksheets compress 8 to 20 times
# (measured on DGCL rows and on rows of empty formatted cells), identical rows over 300 times: a
# part compressed more than 100 times is refused, the default of Apache POI. An xlsx written by
# openpyxl or Excel has about ten parts, plus one or two a sheet.
ZIP_MAX_UNCOMPRESSED_SIZE = env_int("ZIP_MAX_UNCOMPRESSED_SIZE", 100 * 1024 * 1024)
ZIP_MAX_ENTRIES = env_int("ZIP_MAX_ENTRIES", 1000)
ZIP_MAX_COMPRESSION_RATIO = env_int("ZIP_MAX_COMPRESSION_RATIO", 100)

# Mail: console by default, EMAIL_URL for a real server.
globals().update(env_email("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Interco <ne-pas-repondre@interco.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker, tasks run eagerly in-process (embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "interco"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": 5,
    # Publishing happens in requests (on commit): a dead broker must cost a page at most a couple
    # of seconds, not retries of 5 s each. The outbox keeps the rows; the sweep sends them later.
    "socket_connect_timeout": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
# A message claimed by a worker that died is handed to another one after this lease.
OUTBOX_CLAIM_LEASE_SECONDS = env_int("OUTBOX_CLAIM_LEASE_SECONDS", 600)
# The one place where periodic tasks are declared.
CELERY_BEAT_SCHEDULE = {
    "requeue-unsent-mail": {
        "task": "core.tasks.requeue_unsent_messages",
        "schedule": 60.0,
    },
    # Tacit opinions of the communes (docs/DOMAIN.md §5) and closing of finished consultations:
    # deadlines end at 24:00 Paris time; hourly, so at most an hour late, and idempotent.
    "referrals-tacit-opinions": {
        "task": "referrals.tasks.record_tacit_opinions",
        "schedule": 3600.0,
    },
    # Reminders 30/15/7/1 days before each commune's deadline: each goes out once (dedup key),
    # so running every hour only makes a missed run harmless.
    "referrals-reminders": {
        "task": "referrals.tasks.send_referral_reminders",
        "schedule": 3600.0,
    },
    "refresh-mutualisation-progress-reports": {
        "task": "mutualisation.tasks.refresh_progress_reports",
        "schedule": 6 * 60 * 60.0,
    },
    "requeue-stuck-imports": {
        "task": "governance.tasks.requeue_stuck_imports",
        "schedule": 5 * 60.0,
    },
    # Putting documents online (L2121-15, L2121-25) and informing the councillors (L5211-40-2):
    # what a broker outage or a dead worker left undone is queued again; both tasks are
    # idempotent, so a request caught up twice is stored and sent once.
    "conferences-catch-up-publications": {
        "task": "conferences.publication.tasks.catch_up_publications",
        "schedule": 15 * 60.0,
    },
    "session-reminders": {
        "task": "conferences.tasks.send_due_reminders",
        "schedule": 15 * 60.0,
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "core.redaction.RedactSecretsFilter"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        # runserver's access log, as Django writes it, minus the tokens in the paths.
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets"],
            "formatter": "server",
        },
    },
    "loggers": {
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        # Django's own handlers for "django" (console when DEBUG, mail to ADMINS) would write
        # request paths unfiltered: its records go to the filtered root handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Attribution required by the Licence Ouverte 2.0 for the territory data shipped with the portal.
DATA_ATTRIBUTION = (
    "Sources : INSEE (COG 2026, populations légales 2023), DGCL (composition des EPCI 2026), "
    "via @etalab/decoupage-administratif 6.0.0 — Licence Ouverte 2.0"
)
