"""Settings shared by every environment.

Every value that differs between machines comes from the environment, read here and
only here (docs/architecture.md, "Settings"). local/test/production change only what differs.
"""

from pathlib import Path

import environ

from core.realtime.redis import cache_options, channel_layer_host, redis_db_url
from core.realtime.switches import CACHE_BACKENDS, LAYER_BACKENDS, choose

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="django-insecure-tandem-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django.contrib.postgres",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "core",
    "profiles",
    "messaging",
    "workrooms",
    "invitations",
    "disputes",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "profiles.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "profiles.middleware.StaffTwoFactorMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
                "messaging.context_processors.unread",
            ],
        },
    },
]
# Forms render through TEMPLATES; every field uses templates/forms/field.html (as_field_group).
FORM_RENDERER = "core.renderers.TandemFormRenderer"

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (through psycopg 3's pool, since persistent
# connections are unsafe under ASGI) whenever DATABASE_URL names it.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers proceed while a writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two daphne threads never deadlock upgrading a read lock ("database is locked").
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=20),
            "timeout": 10,
        },
        "server_side_binding": True,
        # psycopg prepares a statement on a connection after its fifth run there; Django
        # turns that off unless asked. Behind a pooler in transaction mode set it to 0
        # (docs/live-delivery.md, "Scaling out").
        "prepare_threshold": env.int("DATABASE_PREPARE_THRESHOLD", default=5) or None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer on DB 0, cache on DB 1, Celery broker on DB 2 ----------------------
REDIS_URL = env("REDIS_URL", default="")

# The live path's speed-ups (core/realtime/, one decision record each in docs/adr/) reach into
# private internals of Django, Channels, channels-redis and redis-py. Each can be switched back
# to the stock part: REALTIME_STOCK=layer,cache,session,redis_client (or `all`),
# and REALTIME_LAYER=bundling|redis|pubsub picks the channel layer (core/realtime/switches.py).
REALTIME_STOCK, REALTIME_LAYER = choose(
    env.list("REALTIME_STOCK", default=[]), env("REALTIME_LAYER", default="")
)

# channels-redis drops messages silently once a channel holds `capacity` of them; catch-up by
# version (docs/live-delivery.md) is the guarantee, the channel layer only a hint.
CHANNEL_LAYER_CAPACITY = env.int("CHANNEL_LAYER_CAPACITY", default=1000)
# Seconds a group member lives unless renewed; the bundling layer renews each process's own
# sockets' several times per expiry (core/realtime/layer.py), so this only bounds how long a
# killed process's members linger. channels-redis's own layer never renews (a socket joins its
# user's group once, at connect): with it the expiry is channels-redis's default, a day.
CHANNEL_LAYER_GROUP_EXPIRY = env.int(
    "CHANNEL_LAYER_GROUP_EXPIRY", default=300 if REALTIME_LAYER == "bundling" else 86400
)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis, sending the events of a chat message to each process as one
            # bundle (core/realtime/layer.py; docs/live-delivery.md), unless switched back.
            "BACKEND": LAYER_BACKENDS[REALTIME_LAYER],
            "CONFIG": {
                "hosts": [channel_layer_host(redis_db_url(REDIS_URL, 0))],
                "capacity": CHANNEL_LAYER_CAPACITY,
                "group_expiry": CHANNEL_LAYER_GROUP_EXPIRY,
                "prefix": env("CHANNEL_LAYER_PREFIX", default="tandem"),
            },
        }
    }
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its redis-py client (core/realtime/cache.py).
            "BACKEND": CACHE_BACKENDS["cache" in REALTIME_STOCK],
            "LOCATION": redis_db_url(REDIS_URL, 1),
            "OPTIONS": cache_options(),
        }
    }
    CELERY_BROKER_URL = redis_db_url(REDIS_URL, 2)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_LAYER_CAPACITY},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

CELERY_TASK_EAGER_PROPAGATES = True
# With a Redis broker, a task whose worker died is redelivered after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "profiles.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# No form tells whether an address has an account (password reset answers the same for any
# address and e-mails the owner instead), except sign-up, which says plainly that an address is
# taken (profiles.forms.SignupForm; the foundation issue asks for a clear error), rate limited.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Wrong passwords (docs/accounts.md, "Wrong passwords"): five per account per address in five
# minutes (profiles.adapters keys the limit by account and address, so an attacker elsewhere
# cannot lock the owner out), and ten a minute from one address whatever the account. allauth's
# other limits keep their defaults.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# The client address comes from REMOTE_ADDR unless this many proxies in front append theirs to
# X-Forwarded-For (production: 1).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# --- Two-factor authentication (allauth.mfa; docs/accounts.md) ------------------------------
# An authenticator app (TOTP) with recovery codes, for everyone who wants it, required of staff
# (every mediator is staff) when MFA_REQUIRED_FOR_STAFF is on: production's default.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tandem"
# A code one 30-second step old or early still counts: phones' clocks drift. Each code is
# accepted once either way.
MFA_TOTP_TOLERANCE = 1
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tandem <no-reply@tandem.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18N / time --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# Country names come from django-countries; the one most profiles show keeps its short name.
COUNTRIES_OVERRIDE = {"US": "United States"}
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# User files are private: outside STATIC, never served by a public URL.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Upload caps (core.uploads): every file at most FILE_UPLOAD_MAX_SIZE, profile photos at most
# PROFILE_PHOTO_MAX_SIZE as well.
FILE_UPLOAD_MAX_SIZE = env.int("FILE_UPLOAD_MAX_SIZE", default=25 * 1024 * 1024)
PROFILE_PHOTO_MAX_SIZE = env.int("PROFILE_PHOTO_MAX_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security defaults that hold everywhere ------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions stay in the database (the record) and are read through the cache: every websocket
# connect and page view loaded its session with a query first.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# Websocket frames larger than this are refused with `too_large` (docs/websocket-protocol.md).
WEBSOCKET_MAX_FRAME_BYTES = 256 * 1024

# --- Messaging (docs/websocket-protocol.md; each a setting so load runs and tests can change it)
MESSAGE_MAX_LENGTH = 10_000
MESSAGE_EDIT_WINDOW_SECONDS = env.int("MESSAGE_EDIT_WINDOW_SECONDS", default=15 * 60)
MESSAGE_RATE_LIMIT = env.int("MESSAGE_RATE_LIMIT", default=20)  # sends per period per user
MESSAGE_RATE_LIMIT_PERIOD = env.int("MESSAGE_RATE_LIMIT_PERIOD", default=10)  # seconds
MESSAGE_PAGE_SIZE = 50
MESSAGE_CATCH_UP_PAGE = 200
MESSAGE_DIGEST_DELAY_MINUTES = env.int("MESSAGE_DIGEST_DELAY_MINUTES", default=10)
# Absolute links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CELERY_BEAT_SCHEDULE = {
    "messaging-send-due-digests": {"task": "messaging.tasks.send_due_digests", "schedule": 60.0},
    "workrooms-send-reminders": {"task": "workrooms.tasks.send_reminders", "schedule": 60.0},
    "invitations-expire": {"task": "invitations.tasks.expire_invitations", "schedule": 300.0},
    "disputes-sweep-deadlines": {"task": "disputes.tasks.sweep_deadlines", "schedule": 300.0},
}

# --- Disputes (docs/disputes.md): each stage's response time, in days
# The other party's time to answer before the opener may escalate.
DISPUTE_RESPONSE_DAYS = env.int("DISPUTE_RESPONSE_DAYS", default=5)
DISPUTE_PROPOSAL_DAYS = env.int("DISPUTE_PROPOSAL_DAYS", default=2)  # to answer a proposal
DISPUTE_MEDIATION_DAYS = env.int("DISPUTE_MEDIATION_DAYS", default=10)  # mediator, to decide

# --- Calls (docs/calls.md): the browsers' STUN/TURN servers. None are needed on one machine or
# a LAN. WEBRTC_ICE_SERVERS is a JSON list of RTCIceServer objects without secrets (e.g. a
# STUN server); with WEBRTC_TURN_SECRET set, each call page gets time-limited credentials for
# WEBRTC_TURN_URLS (coturn's `use-auth-secret`), so no static secret reaches a browser.
WEBRTC_ICE_SERVERS = env.json("WEBRTC_ICE_SERVERS", default=[])
WEBRTC_TURN_URLS = env.list("WEBRTC_TURN_URLS", default=[])
WEBRTC_TURN_SECRET = env("WEBRTC_TURN_SECRET", default="")
WEBRTC_TURN_TTL = env.int("WEBRTC_TURN_TTL", default=3600)  # seconds a credential is good for

# --- Websockets (docs/websocket-protocol.md, "Connecting" and "Errors") -----------------------
# Origins besides the site's own (the handshake's scheme and Host, as Django's CSRF check has
# it) and CSRF_TRUSTED_ORIGINS that may open /ws/ with the person's cookie: scheme, host and
# port must all match (config/origin.py).
WEBSOCKET_ALLOWED_ORIGINS = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=[])
# A socket checks that its sign-in still holds at least this often, and when its session is
# due to expire; logouts, password changes and deactivations close sockets at once by event.
WEBSOCKET_SESSION_CHECK_SECONDS = env.int("WEBSOCKET_SESSION_CHECK_SECONDS", default=60)
# Frames other than message.send per person per process (sends have MESSAGE_RATE_LIMIT).
WEBSOCKET_FRAME_RATE_LIMIT = env.int("WEBSOCKET_FRAME_RATE_LIMIT", default=120)
WEBSOCKET_FRAME_RATE_PERIOD = env.int("WEBSOCKET_FRAME_RATE_PERIOD", default=10)

# --- Page security headers (docs/architecture.md, "Content-Security-Policy and Permissions-Policy")
# The pages run no inline script or style and load everything from this origin; the websocket
# origin (ws:/wss: of the host asked) is added per request by the middleware. Private files keep
# the stricter policy core.http.private_file_response gives them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
_csp_report_uri = env("CSP_REPORT_URI", default="")
if _csp_report_uri:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_csp_report_uri]
# Features no page may use; core.http.allow_media_devices lets one view (the call page) use the
# camera, microphone and screen sharing from this origin.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "core.middleware.PermissionsPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "core.middleware.ContentSecurityPolicyMiddleware",
)
