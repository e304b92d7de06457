"""Shared fixtures and the services policy.

Tests marked `postgres` or `redis` skip, with a reason, where that service is not configured;
with REQUIRE_SERVICES=1 (CI) such a skip is a failure instead, so CI can never pass by skipping.
Tests marked `sqlite` exercise the embedded default's own code path and skip on any other
database; CI runs the suite on both, so each of them runs somewhere.
"""

import asyncio
import inspect
import os

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _service_missing(marker: str) -> str | None:
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://…"
    return None


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        problems = [reason for m in ("postgres", "redis") if (reason := _service_missing(m))]
        if problems:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but " + "; ".join(problems))


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis"):
        if item.get_closest_marker(marker) and (reason := _service_missing(marker)):
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1: {reason}", pytrace=False)
            pytest.skip(reason)
    if item.get_closest_marker("sqlite") and connection.vendor != "sqlite":
        pytest.skip("SQLite's own code path: runs without DATABASE_URL")


@pytest.fixture(autouse=True)
def _close_async_connections(request):
    """Close what async tests opened in asgiref's shared sync thread.

    Code under test runs ORM calls there (sync_to_async outside async_to_sync), and Django's
    teardown only closes the main thread's connections; one left open stops PostgreSQL from
    dropping the test database.
    """
    yield
    if inspect.iscoroutinefunction(getattr(request.node, "obj", None)):
        asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache; on Redis they would outlive a test run.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def client_user(db):
    from tests.factories import UserFactory

    return UserFactory(role="client", name="Morgan Lee")


@pytest.fixture
def freelancer_user(db):
    from tests.factories import UserFactory

    return UserFactory(role="freelancer", name="Sam Rivera")


# Three people for conversations: two who talk, one who must never see what they say.
@pytest.fixture
def alice(make_user):
    return make_user(name="Alice Client", role="client")


@pytest.fixture
def bob(make_user):
    return make_user(name="Bob Freelancer", role="freelancer")


@pytest.fixture
def eve(make_user):
    return make_user(name="Eve Outsider", role="freelancer")
