"""The embedded default for `make run`: SQLite, in-memory channel layer, eager Celery."""

from .base import *

DEBUG = env.bool("DEBUG", default=True)
# Serve static files straight from the source folders under daphne, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
