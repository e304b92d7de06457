"""A user's stored sessions, found without an index from user to session."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_purge(*, user_id: int) -> int:
    """Remove every stored session of a user; how many there were.

    They are dead already (an inactive user is never signed in, and the password hash they
    carry no longer matches), but they still hold the person's data until they expire. Django
    keeps no index from user to session, so this reads them all: a background task's work."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    removed = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user_id):
            store(session_key=session.session_key).delete()
            removed += 1
    return removed
