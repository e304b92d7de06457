"""Every frame that costs the server work counts toward a limit, refused ones included
(messaging/socket_limits.py): a socket that is not a member of a conversation used to send
thousands of frames at it unlimited, each one a database round trip."""

import uuid

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.models import Message
from tests.messaging.test_protocol import expect, send_frame, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


@pytest.fixture
async def theirs(alice, bob):
    """alice and bob's conversation, which eve is not in."""
    return await db(services.conversation_open_direct)(user=alice, other=bob)


@pytest.fixture
def calls_to_message_send(monkeypatch):
    calls = []
    real = services.message_send

    def counting(**kwargs):
        calls.append(kwargs["conversation_id"])
        return real(**kwargs)

    monkeypatch.setattr(services, "message_send", counting)
    return calls


async def test_sends_to_a_conversation_one_is_not_in_count_toward_the_send_limit(
    eve, theirs, settings, calls_to_message_send
):
    settings.MESSAGE_RATE_LIMIT = 3
    settings.MESSAGE_RATE_LIMIT_PERIOD = 30
    socket = await socket_for(eve)

    # Three within the limit; the fourth, refused for itself, is the one past it.
    for _ in range(4):
        await socket.send_json_to(send_frame(theirs.pk))
        assert (await expect(socket, "error"))["code"] == "not_found"
    for _ in range(20):
        frame = send_frame(theirs.pk)
        await socket.send_json_to(frame)
        error = await expect(socket, "error")
        assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 30
        assert error["client_id"] == frame["client_id"]

    # Refused without any work: the service was not even called past the limit.
    assert len(calls_to_message_send) == 4
    await socket.disconnect()


async def test_malformed_sends_count_toward_the_send_limit(alice, theirs, settings):
    settings.MESSAGE_RATE_LIMIT = 2
    settings.MESSAGE_RATE_LIMIT_PERIOD = 30
    socket = await socket_for(alice)

    for _ in range(2):
        await socket.send_json_to({"type": "message.send", "conversation": theirs.pk})
        assert (await expect(socket, "error"))["code"] == "invalid"
    await socket.send_json_to(send_frame(theirs.pk))

    assert (await expect(socket, "error"))["code"] == "rate_limited"
    assert await db(Message.objects.count)() == 0
    await socket.disconnect()


async def test_a_members_sends_are_limited_as_before(alice, theirs, settings):
    settings.MESSAGE_RATE_LIMIT = 2
    settings.MESSAGE_RATE_LIMIT_PERIOD = 30
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 1  # sends are not counted twice
    socket = await socket_for(alice)

    for _ in range(2):
        await socket.send_json_to(send_frame(theirs.pk))
        await expect(socket, "message.ack")
    await socket.send_json_to(send_frame(theirs.pk))

    assert (await expect(socket, "error"))["code"] == "rate_limited"
    assert await db(Message.objects.count)() == 2
    await socket.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "subscribe", "conversation": "THEIRS"},
        {"type": "typing", "conversation": "THEIRS"},
        {"type": "read", "conversation": "THEIRS", "message": 1},
        {"type": "message.edit", "message": 1, "body": "x"},
        {"type": "message.delete", "message": 1},
        {"type": "no.such.frame"},
        {"type": "subscribe", "conversation": "not an id"},
    ],
    ids=["subscribe", "typing", "read", "edit", "delete", "unknown", "malformed"],
)
async def test_every_other_refused_frame_counts_toward_the_frame_limit(
    eve, theirs, settings, frame
):
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 5
    settings.WEBSOCKET_FRAME_RATE_PERIOD = 30
    if frame.get("conversation") == "THEIRS":
        frame = {**frame, "conversation": theirs.pk}
    socket = await socket_for(eve)

    for _ in range(5):
        await socket.send_json_to(frame)
        assert (await expect(socket, "error"))["code"] != "rate_limited"
    for _ in range(3):
        await socket.send_json_to(frame)
        error = await expect(socket, "error")
        assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 30
    await socket.send_json_to({"type": "ping"})
    assert (await expect(socket, "error"))["code"] == "rate_limited"
    await socket.disconnect()


async def test_the_frame_budget_is_the_persons_across_their_sockets(eve, theirs, settings):
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 4
    settings.WEBSOCKET_FRAME_RATE_PERIOD = 30
    first, second = await socket_for(eve), await socket_for(eve)
    frame = {"type": "subscribe", "conversation": theirs.pk}

    for socket in (first, second, first, second):
        await socket.send_json_to(frame)
        assert (await expect(socket, "error"))["code"] == "not_found"
    await second.send_json_to(frame)

    assert (await expect(second, "error"))["code"] == "rate_limited"
    for socket in (first, second):
        await socket.disconnect()


async def test_the_frame_budget_opens_again_after_its_period(alice, theirs, settings):
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 2
    settings.WEBSOCKET_FRAME_RATE_PERIOD = 1
    socket = await socket_for(alice)
    for _ in range(2):
        await socket.send_json_to({"type": "ping"})
        await expect(socket, "pong")
    await socket.send_json_to({"type": "ping"})
    assert (await expect(socket, "error"))["code"] == "rate_limited"

    assert await socket.receive_nothing(timeout=1.1)
    await socket.send_json_to({"type": "ping"})
    assert await expect(socket, "pong") == {"type": "pong"}
    await socket.disconnect()


async def test_a_flood_of_sends_from_a_stranger_stores_nothing(eve, theirs, settings):
    settings.MESSAGE_RATE_LIMIT = 5
    socket = await socket_for(eve)
    for _ in range(50):
        await socket.send_json_to(
            {
                "type": "message.send",
                "conversation": theirs.pk,
                "body": "spam",
                "client_id": str(uuid.uuid4()),
            }
        )
    codes = [(await expect(socket, "error"))["code"] for _ in range(50)]

    assert codes == ["not_found"] * 6 + ["rate_limited"] * 44
    assert await db(Message.objects.count)() == 0
    await socket.disconnect()
