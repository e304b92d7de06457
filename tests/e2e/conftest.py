"""Browser journeys: Playwright driving Debian's Chromium against daphne serving the test database.

The live server is a real `daphne` subprocess (the production shape), started once per session
on the test database that pytest-django created, so what a test writes through the ORM (in a
`transactional_db`) the server reads, and the reverse. Run this folder in its own pytest
invocation with DJANGO_ALLOW_ASYNC_UNSAFE=true (Playwright's sync API keeps an event loop on the
main thread).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    port = _free_port()
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("live-media")),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    log_path = tmp_path_factory.mktemp("live-log") / "daphne.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz/", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"daphne did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def live_url(daphne_server, transactional_db):
    """The live server's base URL, with a database the server can see and that is emptied after."""
    return daphne_server


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page
