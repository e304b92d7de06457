"""Browser journeys: Playwright driving Debian's Chromium against daphne serving the test database.

The live server is a real `daphne` subprocess (the production shape), started once per session
on the test database that pytest-django created, so what a test writes through the ORM (in a
`transactional_db`) the server reads, and the reverse. Run this folder in its own pytest
invocation with DJANGO_ALLOW_ASYNC_UNSAFE=true (Playwright's sync API keeps an event loop on the
main thread).
"""

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.live_server import Daphne, database_url_for_subprocess

# Two cores shared by daphne, Chromium and the test: give live updates time to land.
expect.set_options(timeout=10_000)

E2E_REQUIRED = os.environ.get("E2E") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.e2e)
    if not Path(CHROMIUM).exists():
        if E2E_REQUIRED:
            raise pytest.UsageError(
                "E2E=1 but Chromium is missing: apt-get install chromium (Debian's package)."
            )
        skip = pytest.mark.skip(reason="Chromium is not installed (set E2E=1 to make this fail)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mail")


@contextmanager
def live_server(django_db_blocker, mail_dir, tmp_path_factory, name="live", env=None):
    """A daphne of our own on the test database, its mail to `mail_dir`, its media apart; its
    base URL. A module that needs other settings or fresh caches starts one with this."""
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    server = Daphne(
        database_url=database_url,
        log_dir=tmp_path_factory.mktemp(f"{name}-log"),
        env={
            "EMAIL_FILE_PATH": str(mail_dir),
            "MEDIA_ROOT": str(tmp_path_factory.mktemp(f"{name}-media")),
            **(env or {}),
        },
    )
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    with live_server(django_db_blocker, mail_dir, tmp_path_factory) as url:
        yield url


@pytest.fixture
def live_url(daphne_server, transactional_db, browser):
    """The live server's base URL, with a database the server can see and that is emptied after.

    Before it is emptied, every page the test opened is closed and the server's database
    work is let finish: an open page keeps its socket and sends frames (read receipts,
    pings), and a server transaction still running when the tables are truncated deadlocked
    with the truncate (seen in CI).
    """
    yield daphne_server
    for context in browser.contexts:
        context.close()
    _wait_for_the_server_to_be_idle()


def _wait_for_the_server_to_be_idle(timeout: float = 10.0, quiet: float = 0.3) -> None:
    """Until no other session of the test database has been busy for `quiet` seconds.

    One idle instant was not enough: a socket the page opened just before it was closed is
    still being served (its user read, then Redis, then presence written), and between two
    of its statements the server is idle for a moment. The truncate then deadlocked with
    the presence write (seen in CI)."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time, the flush waits its turn
    deadline = time.monotonic() + timeout
    idle_since = None
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            now = time.monotonic()
            if cursor.fetchone()[0]:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since >= quiet:
                return
            time.sleep(0.02)


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page
