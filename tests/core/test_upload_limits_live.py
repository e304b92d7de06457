"""Oversized uploads against a real uvicorn process (as the Dockerfile runs it, on a free port),
with production settings and with the local ones: a body streamed in 60 MiB over the cap, or one
byte over it, is the designed 413 with the size message, as JSON for the page's script and as a
page for a form post, and nothing is stored."""

from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.uploads import WORKROOM_FILE, too_large_message
from disputes.models import Evidence
from messaging.models import Attachment
from tests.core.conftest import BOUNDARY, TARGETS
from tests.live_server import ServerProcess, database_url_for_subprocess, free_port
from workrooms.models import FileVersion

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MiB = 1024 * 1024
CSRF_TOKEN = "a" * 32  # a secret as Django's csrftoken cookie holds it


class Uvicorn(ServerProcess):
    """One uvicorn worker serving config.asgi with production-like settings until stop()."""

    name = "uvicorn"

    def __init__(self, *, settings_module: str, media: Path, log: Path) -> None:
        port = free_port()
        env = {
            "DJANGO_SETTINGS_MODULE": settings_module,
            # The test process signed the session and its auth hash with its own key.
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url_for_subprocess(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL": "false",
            "MEDIA_ROOT": str(media),
            "REDIS_URL": "",
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            "websockets",
            "--lifespan",
            "off",
            "--no-access-log",
        ]
        super().__init__(command, port=port, log_path=log, env=env)
        self.wait_until_healthy()

    def post_streamed(self, path: str, *, parts: list[bytes], size: int, headers: dict) -> tuple:
        """POST a body of `size` bytes made of `parts` (written as they come, 1 MiB at a time for
        the filler), returning (status, content type, body text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.putrequest("POST", path)
            for name, value in {**headers, "Content-Length": str(size)}.items():
                connection.putheader(name, value)
            connection.endheaders()
            for part in parts:
                connection.send(part)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read().decode()
        finally:
            connection.close()


@pytest.fixture(params=["tests.core.production_like_settings", "config.settings.local"])
def uvicorn_server(request, tmp_path):
    server = Uvicorn(
        settings_module=request.param, media=tmp_path / "media", log=tmp_path / "uvicorn.log"
    )
    yield server
    server.stop()


def streamed_file(fields: dict, file_field: str, size: int) -> tuple[list[bytes], int]:
    """A multipart body whose file is `size` bytes, as parts to send one after another."""
    field_parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    file_part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
        'filename="huge.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    head = "".join([*field_parts, file_part]).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    filler = [b"\0" * MiB] * (size // MiB) + [b"\0" * (size % MiB)]
    parts = [head, *filler, tail]
    return parts, sum(len(p) for p in parts)


@pytest.mark.parametrize("size", [60 * MiB, WORKROOM_FILE.max_bytes + 1], ids=["60MiB", "cap+1"])
@pytest.mark.parametrize(
    ("kind", "model", "caller"),
    [
        ("message_attachment", Attachment, "json"),
        ("workroom_file", FileVersion, "json"),
        ("workroom_file", FileVersion, "page"),
        ("dispute_evidence", Evidence, "json"),
        ("dispute_evidence", Evidence, "page"),
    ],
)
def test_an_oversized_upload_to_uvicorn_is_413_with_the_size_message(
    uvicorn_server, request, kind, model, caller, size
):
    target = TARGETS[kind](Client(), request.getfixturevalue)
    session = target.client.cookies[settings.SESSION_COOKIE_NAME].value
    fields = {**target.fields, "csrfmiddlewaretoken": CSRF_TOKEN}
    parts, size = streamed_file(fields, target.file_field, size)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
    }
    if caller == "json":
        headers["X-Requested-With"] = "fetch"

    status, content_type, body = uvicorn_server.post_streamed(
        target.url, parts=parts, size=size, headers=headers
    )

    limit = too_large_message(WORKROOM_FILE.max_bytes)
    assert status == 413, body[:1000]
    if caller == "json":
        assert content_type.startswith("application/json")
        assert limit in json.loads(body)["error"]
    else:
        assert content_type.startswith("text/html")
        assert limit in body
    assert not model.objects.exists()
    media = Path(uvicorn_server.log_path).parent / "media"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
