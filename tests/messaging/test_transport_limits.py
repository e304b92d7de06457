"""The servers read no websocket message larger than the protocol allows (256 KiB,
WEBSOCKET_MAX_FRAME_BYTES): uvicorn (production) closes the socket with 1009 and daphne (`make
run`, the live test servers) drops it, before the application sees a byte of it. uvicorn's own
default is 16 MiB, daphne's 1 MiB, each read whole into memory before the consumer's check could
refuse it.
"""

import asyncio
import json
import re
import shlex
import sys
from pathlib import Path

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from tests.live_server import ServerProcess, database_url_for_subprocess, free_port
from tests.messaging.test_live_consumer import session_cookie_for

ROOT = Path(settings.BASE_DIR)
LIMIT = settings.WEBSOCKET_MAX_FRAME_BYTES


def dockerfile_command() -> str:
    """The shell command of the image's CMD (["sh", "-c", COMMAND])."""
    line = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )
    shell, flag, command = json.loads(line.removeprefix("CMD "))
    assert (shell, flag) == ("sh", "-c")
    return command


def compose_web_command() -> str:
    text = (ROOT / "docker-compose.yml").read_text()
    return text.split("  web:", 1)[1].split("command:", 1)[1].split("ports:", 1)[0]


def make_run_command() -> str:
    text = (ROOT / "Makefile").read_text()
    return next(line for line in text.split("\nrun:", 1)[1].splitlines() if "daphne" in line)


def live_server_command() -> str:
    return (ROOT / "tests" / "live_server.py").read_text()


def limit_in(text: str, option: str) -> int:
    found = re.findall(rf"{re.escape(option)}\W+(\d+)", text)
    assert len(found) == 1, (option, text)
    return int(found[0])


@pytest.mark.parametrize(
    "where,option",
    [
        (dockerfile_command, "--ws-max-size"),
        (compose_web_command, "--ws-max-size"),
        (make_run_command, "--websocket-max-message-size"),
        (live_server_command, "--websocket-max-message-size"),
    ],
    ids=["Dockerfile", "compose", "make run", "live test servers"],
)
def test_every_server_command_reads_at_most_the_protocols_limit(where, option):
    assert limit_in(where(), option) == LIMIT


def uvicorn_as_the_image_runs_it(port: int) -> list[str]:
    command = dockerfile_command().removeprefix("exec ")
    command = command.replace("${WEB_CONCURRENCY:-$(nproc)}", "1")
    args = shlex.split(command)
    assert args[0] == "uvicorn"
    args[args.index("--host") + 1] = "127.0.0.1"
    args[args.index("--port") + 1] = str(port)
    return [sys.executable, "-m", *args]


def daphne_as_make_runs_it(port: int) -> list[str]:
    command = make_run_command().strip().replace("$(HOST)", "127.0.0.1")
    args = shlex.split(command.replace("$(PORT)", str(port)))
    assert args[0] == "$(BIN)/daphne"
    return [sys.executable, "-m", "daphne", *args[1:]]


def server(command: list[str], port: int, tmp_path: Path, database_url: str) -> ServerProcess:
    """A server process on the test database, started from a command line."""
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    return ServerProcess(command, port=port, log_path=tmp_path / "server.log", env=env)


def ping_of_size(size: int) -> str:
    head, tail = '{"type":"ping","pad":"', '"}'
    text = head + "x" * (size - len(head) - len(tail)) + tail
    assert len(text.encode()) == size
    return text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "command", [uvicorn_as_the_image_runs_it, daphne_as_make_runs_it], ids=["uvicorn", "daphne"]
)
async def test_a_message_over_the_limit_is_closed_with_1009_unread(command, make_user, tmp_path):
    user = await database_sync_to_async(make_user)()
    cookie = (await database_sync_to_async(session_cookie_for)(user)).decode()
    database_url = await database_sync_to_async(database_url_for_subprocess)()
    port = free_port()
    process = server(command(port), port, tmp_path, database_url)
    try:
        await asyncio.to_thread(process.wait_until_healthy)
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/",
            origin=process.url,
            additional_headers={"Cookie": cookie},
            max_size=None,
        ) as socket:
            await socket.send(ping_of_size(LIMIT))  # exactly the limit: read, answered
            assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}

            await socket.send(ping_of_size(LIMIT + 1))
            # Closed, not answered: the application would have answered too_large.
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
        if command is uvicorn_as_the_image_runs_it:
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        else:  # autobahn (daphne) fails the connection by dropping it, without a close frame
            assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
    finally:
        await asyncio.to_thread(process.stop)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_a_page_of_another_port_is_refused_by_the_real_server(make_user, tmp_path):
    """The Origin check against a real server's Host header: same host, other port."""
    user = await database_sync_to_async(make_user)()
    cookie = (await database_sync_to_async(session_cookie_for)(user)).decode()
    database_url = await database_sync_to_async(database_url_for_subprocess)()
    port = free_port()
    process = server(uvicorn_as_the_image_runs_it(port), port, tmp_path, database_url)
    try:
        await asyncio.to_thread(process.wait_until_healthy)
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/ws/",
                origin="http://127.0.0.1:1",
                additional_headers={"Cookie": cookie},
            ):
                pass
        assert refused.value.response.status_code == 403
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/", origin=process.url, additional_headers={"Cookie": cookie}
        ) as socket:
            await socket.send('{"type":"ping"}')
            assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
    finally:
        await asyncio.to_thread(process.stop)
