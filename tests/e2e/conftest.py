"""Browser journeys: Playwright driving Debian's Chromium against daphne serving the test database.

The live server is a real `daphne` subprocess (the production shape), started once per session
on the test database that pytest-django created, so what a test writes through the ORM (in a
`transactional_db`) the server reads, and the reverse. Run this folder in its own pytest
invocation with DJANGO_ALLOW_ASYNC_UNSAFE=true (Playwright's sync API keeps an event loop on the
main thread).
"""

import os
import shutil
from pathlib import Path

import pytest
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


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    server = Daphne(
        database_url=database_url,
        log_dir=tmp_path_factory.mktemp("live-log"),
        env={
            "EMAIL_FILE_PATH": str(mail_dir),
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("live-media")),
        },
    )
    yield server.url
    server.stop()


@pytest.fixture
def live_url(daphne_server, transactional_db):
    """The live server's base URL, with a database the server can see and that is emptied after."""
    return daphne_server


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page
