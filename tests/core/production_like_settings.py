"""config.settings.production as a test's uvicorn runs it: the production middleware, security
settings and DEBUG off, but static files from the source folders (no collectstatic in a test)."""

from config.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
