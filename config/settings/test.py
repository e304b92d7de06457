"""Settings for pytest: the real database and channel layer that the environment names."""

import os

from .base import *

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="tandem-test-key-not-secret")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Celery runs eagerly whatever REDIS_URL says; a test that needs a real worker says so itself.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# The live server for browser tests runs in its own process: mail goes to files it can share.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".pytest-mail"))
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".pytest-media")))

# A browser suite hands its test database to a daphne subprocess by file name (SQLite) or by
# database name (PostgreSQL), so neither may be in-memory or randomised.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": env("TEST_SQLITE_PATH", default=str(BASE_DIR / f".pytest-db-{os.getpid()}.sqlite3"))
    }
else:
    # psycopg's pool keeps idle connections to the test database open past the last test,
    # and PostgreSQL then refuses to drop it; plain per-request connections are enough here.
    DATABASES["default"]["OPTIONS"].pop("pool", None)

# Channels' WebsocketCommunicator sends no Host header, so its handshakes cannot be same-origin:
# its tests send this Origin (live servers' pages are same-origin and need nothing).
WEBSOCKET_ALLOWED_ORIGINS = ["http://localhost"]
