"""The matrix's world is built once per module, inside a transaction rolled back at its end;
each test runs in a savepoint inside it (pytest-django's `db`), so what one test changes is gone
before the next."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from tests.security.world import build_world


@pytest.fixture(autouse=True)
def _private_media():
    """Replaces the suite's per-test MEDIA_ROOT: the world's files live as long as the world."""
    yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.sessions = {name: _session(getattr(built, name)) for name in SIGNED_IN}
        yield built
        transaction.set_rollback(True)


# Each person is signed in once, for the whole module: a test sends the session's cookie.
SIGNED_IN = ("stranger", "client", "freelancer", "mediator", "staff", "viewer", "superuser")


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
