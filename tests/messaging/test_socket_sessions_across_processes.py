"""The production shape: a sign-in that ends on one server process closes the person's sockets
on every other one, through the Redis channel layer (messaging/socket_sessions.py)."""

import asyncio
import json
import re
import shutil
import urllib.parse
import urllib.request

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from tests.factories import PASSWORD
from tests.faults.conftest import PrivateRedis
from tests.faults.test_no_message_lost import cookie_for
from tests.live_server import Daphne, database_url_for_subprocess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

db = database_sync_to_async


class NoRedirect(urllib.request.HTTPErrorProcessor):
    def http_response(self, request, response):
        return response


def post_form(url: str, path: str, cookie: str, data: dict) -> tuple[int, str]:
    """A browser's form post: the page first (for its CSRF cookie), then the post. Returns the
    status and the session cookie the answer set, if any (else the one sent)."""
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(urllib.request.Request(url + path, headers={"Cookie": cookie})) as page:
        token = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
    request = urllib.request.Request(
        url + path,
        data=urllib.parse.urlencode(data).encode(),
        headers={"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token},
    )
    with opener.open(request) as answer:
        name = settings.SESSION_COOKIE_NAME
        new = re.search(rf"{name}=([^;]+)", answer.headers.get("Set-Cookie", "") or "")
        return answer.status, f"{name}={new.group(1)}" if new else cookie


async def close_code(socket) -> int | None:
    try:
        while True:
            await asyncio.wait_for(socket.recv(), 10)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def pong(socket) -> bool:
    await socket.send('{"type":"ping"}')
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] == "pong":
            return True


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program")
    redis_server = PrivateRedis(tmp_path)
    database_url = database_url_for_subprocess()
    env = {"REDIS_URL": redis_server.url, "MEDIA_ROOT": str(tmp_path / "media")}
    servers = [Daphne(database_url=database_url, log_dir=tmp_path, env=env) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()
    redis_server.stop()


async def test_a_logout_and_a_password_change_reach_sockets_on_another_process(alice, two_servers):
    first, second = two_servers
    laptop, phone = await db(cookie_for)(alice), await db(cookie_for)(alice)

    async with (
        websockets.connect(
            first.ws_url, origin=first.url, additional_headers={"Cookie": laptop}
        ) as laptop_socket,
        websockets.connect(
            second.ws_url, origin=second.url, additional_headers={"Cookie": phone}
        ) as phone_socket,
    ):
        assert await pong(laptop_socket) and await pong(phone_socket)

        # The laptop logs out through the second process: its socket on the first closes.
        status, _ = await asyncio.to_thread(post_form, second.url, "/accounts/logout/", laptop, {})
        assert status == 302
        assert await close_code(laptop_socket) == 4401
        assert await pong(phone_socket)

        # The phone changes the password through the first: its socket on the second closes.
        status, _ = await asyncio.to_thread(
            post_form,
            first.url,
            "/accounts/password/change/",
            phone,
            {"oldpassword": PASSWORD, "password1": "n3w-pass-6612", "password2": "n3w-pass-6612"},
        )
        assert status == 302
        assert await close_code(phone_socket) == 4401
