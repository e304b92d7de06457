"""Run real daphne processes on the test database: for browser journeys and fault tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_subprocess() -> str:
    """The URL of the database pytest-django made, for another process to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class ServerProcess:
    """A server of ours (its command line given) on `port`, until stop(); `wait_until_healthy`
    waits for its /healthz/ to answer 200."""

    name = "server"

    def __init__(self, command: list[str], *, port: int, log_path: Path, env: dict) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/ws/"
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command,
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "", **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"{self.name} did not start:\n{log}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


class Daphne(ServerProcess):
    """One daphne process serving config.asgi on a free port until stop()."""

    name = "daphne"

    def __init__(self, *, database_url: str, log_dir: Path, env: dict | None = None):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--websocket-max-message-size",
            "262144",
            "config.asgi:application",
        ]
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            **(env or {}),
        }
        super().__init__(command, port=port, log_path=log_dir / f"daphne-{port}.log", env=env)
        self.wait_until_healthy()
