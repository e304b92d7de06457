"""The foundation of the websocket protocol, against the real ASGI application and channel layer."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from config.asgi import application
from messaging.presence import presence_cache_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://localhost")


def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.fixture
def signed_in_headers(db, make_user):
    user = make_user(name="Sam Rivera")
    return [ORIGIN, (b"cookie", session_cookie_for(user))]


async def test_anonymous_socket_is_accepted_then_closed_with_4401():
    communicator, connected, _ = await connect([ORIGIN])

    assert connected
    closed = await communicator.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4401}
    await communicator.wait()


async def test_a_signed_in_socket_marks_its_person_online(db, make_user):
    user = await database_sync_to_async(make_user)(name="Ada Online")
    headers = [ORIGIN, (b"cookie", await database_sync_to_async(session_cookie_for)(user))]
    assert await database_sync_to_async(cache.get)(presence_cache_key(user.pk)) is None

    communicator, connected, _ = await connect(headers)
    assert connected
    # Noted right after the handshake, off its path: any answer comes after connect() is done
    # (not a ping, which notes presence itself).
    await communicator.send_json_to({"type": "unsubscribe", "conversation": 1})
    assert (await communicator.receive_json_from(timeout=2))["type"] == "unsubscribed"

    assert await database_sync_to_async(cache.get)(presence_cache_key(user.pk)) is not None
    await communicator.disconnect()


async def test_foreign_origin_is_refused_at_the_handshake(signed_in_headers):
    headers = [(b"origin", b"http://evil.example")] + signed_in_headers[1:]

    communicator, connected, _ = await connect(headers)

    assert not connected
    await communicator.disconnect()


async def test_missing_origin_is_refused(signed_in_headers):
    communicator, connected, _ = await connect(signed_in_headers[1:])

    assert not connected
    await communicator.disconnect()


async def test_ping_gets_pong(signed_in_headers):
    communicator, connected, _ = await connect(signed_in_headers)
    assert connected

    await communicator.send_json_to({"type": "ping"})

    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "frame,code",
    [
        ("this is not json", "invalid"),
        ("[1, 2, 3]", "invalid"),
        ('{"no": "type"}', "invalid"),
        ('{"type": 7}', "invalid"),
        ('{"type": "no.such.frame"}', "invalid"),
        (json.dumps({"type": "ping", "pad": "x" * (256 * 1024)}), "too_large"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_open(signed_in_headers, frame, code):
    communicator, connected, _ = await connect(signed_in_headers)
    assert connected

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from(timeout=2)

    assert error["type"] == "error"
    assert error["code"] == code
    assert error["detail"]
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()


async def test_a_binary_frame_gets_invalid(signed_in_headers):
    communicator, _, _ = await connect(signed_in_headers)

    await communicator.send_to(bytes_data=b"\x00\x01")

    assert (await communicator.receive_json_from(timeout=2))["code"] == "invalid"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()


async def test_a_deactivated_user_is_treated_as_anonymous(make_user):
    user = await database_sync_to_async(make_user)()
    cookie = await database_sync_to_async(session_cookie_for)(user)
    user.is_active = False
    await database_sync_to_async(user.save)()

    communicator, connected, _ = await connect([ORIGIN, (b"cookie", cookie)])

    assert connected
    assert await communicator.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
