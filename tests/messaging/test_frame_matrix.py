"""The websocket frame matrix: every frame type the consumer handles × who sends it (a member,
someone not in the conversation, a member the other one blocked, a socket whose session logged
out), against the outcome table in frame_matrix.tsv beside this file.

The frame types come from the consumer's own dispatch table (LiveConsumer.handlers): a frame
type added there without a row in the table and a builder in FRAMES fails this test.
"""

import uuid
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from messaging import services
from messaging.consumers import LiveConsumer
from tests.messaging.test_live_consumer import ORIGIN
from tests.messaging.test_protocol import expect, socket_for, subscribe
from tests.messaging.test_socket_sessions import closed_with_4401, cookie_of, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async
ROLES = ["member", "non_member", "blocked", "logged_out"]


def load_table() -> dict[str, dict[str, str]]:
    lines = [
        line
        for line in (Path(__file__).parent / "frame_matrix.tsv").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    header, *rows = (line.split("\t") for line in lines)
    assert header == ["frame", *ROLES]
    return {row[0]: dict(zip(ROLES, row[1:], strict=True)) for row in rows}


TABLE = load_table()

# How each frame type is built for the scene: the conversation, alice's message (for a read) and
# bob's own message (for an edit or a delete).
FRAMES = {
    "ping": lambda s: {"type": "ping"},
    "subscribe": lambda s: {"type": "subscribe", "conversation": s["conversation"]},
    "unsubscribe": lambda s: {"type": "unsubscribe", "conversation": s["conversation"]},
    "typing": lambda s: {"type": "typing", "conversation": s["conversation"]},
    "read": lambda s: {
        "type": "read",
        "conversation": s["conversation"],
        "message": s["alices_message"],
    },
    "message.edit": lambda s: {"type": "message.edit", "message": s["bobs_message"], "body": "e"},
    "message.send": lambda s: {
        "type": "message.send",
        "conversation": s["conversation"],
        "body": "hello from the matrix",
        "client_id": str(uuid.uuid4()),
    },
    "message.delete": lambda s: {"type": "message.delete", "message": s["bobs_message"]},
    "call.join": lambda s: {"type": "call.join", "conversation": s["conversation"]},
    "call.media": lambda s: {
        "type": "call.media",
        "conversation": s["conversation"],
        "audio": False,
        "video": True,
        "screen": False,
    },
    "call.signal": lambda s: {
        "type": "call.signal",
        "conversation": s["conversation"],
        "to": s["alice"],
        "data": {"type": "offer", "sdp": "v=0"},
    },
    "call.leave": lambda s: {"type": "call.leave", "conversation": s["conversation"]},
}


def test_every_frame_type_the_consumer_handles_has_a_row_and_a_builder():
    handled = set(LiveConsumer.handlers)
    assert set(TABLE) == handled, "frame_matrix.tsv must have exactly one row per frame type"
    assert set(FRAMES) == handled


async def answer_to(socket, frame, marker):
    """What the sender is told: the first frame before the answer to a marker sent after it."""
    await socket.send_json_to(frame)
    await socket.send_json_to({"type": "unsubscribe", "conversation": marker})
    answers = []
    while True:
        reply = await socket.receive_json_from(timeout=5)
        if reply == {"type": "unsubscribed", "conversation": marker}:
            break
        if reply["type"] != "conversation.updated":
            answers.append(reply)
    if not answers:
        return "none"
    first = answers[0]
    return f"error:{first['code']}" if first["type"] == "error" else first["type"]


async def seen_by(watcher):
    seen = []
    while not await watcher.receive_nothing(timeout=0.4):
        frame = await watcher.receive_json_from()
        if frame["type"] != "conversation.updated":
            seen.append(frame["type"])
    return "+".join(seen) or "-"


@pytest.fixture
async def scene(alice, bob, settings):
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 10_000
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)

    def say(sender, body):
        return services.message_send(
            conversation_id=conversation.pk, sender=sender, body=body, client_id=uuid.uuid4()
        ).message.pk

    bobs_message = await db(say)(bob, "from bob")
    # After bob's, so that bob has not read it: his read moves his position.
    alices_message = await db(say)(alice, "from alice")
    scene = {
        "conversation": conversation.pk,
        "alices_message": alices_message,
        "bobs_message": bobs_message,
        "alice": alice.pk,
    }
    watcher = await socket_for(alice)
    await subscribe(watcher, conversation.pk)
    await seen_by(watcher)
    yield scene, watcher
    await watcher.disconnect()


async def sender_for(role, bob, eve, alice):
    if role == "non_member":
        return await socket_for(eve), False
    if role == "blocked":
        await db(services.user_block)(blocker=alice, blocked=bob)
    if role != "logged_out":
        return await socket_for(bob), False
    browser = await db(signed_in_client)(bob)
    socket = WebsocketCommunicator(
        application, "/ws/", headers=[ORIGIN, (b"cookie", cookie_of(browser))]
    )
    assert (await socket.connect())[0]
    await db(browser.post)("/accounts/logout/")
    assert await closed_with_4401(socket)
    return socket, True


@pytest.mark.parametrize("role", ROLES)
async def test_each_frame_type_from_each_kind_of_sender(role, scene, alice, bob, eve):
    scene, watcher = scene
    socket, closed = await sender_for(role, bob, eve, alice)
    outcomes = {}
    for marker, frame_type in enumerate(TABLE, start=10**12):
        frame = FRAMES[frame_type](scene)
        if closed:
            await socket.send_json_to(frame)
            await socket.send_json_to({"type": "ping"})
            answer = "none" if await socket.receive_nothing(timeout=0.4) else "answered"
        else:
            answer = await answer_to(socket, frame, marker)
        outcomes[frame_type] = f"{answer}/{await seen_by(watcher)}"

    assert outcomes == {frame_type: row[role] for frame_type, row in TABLE.items()}
    if not closed:
        await socket.send_json_to({"type": "ping"})
        assert await expect(socket, "pong") == {"type": "pong"}
    await socket.disconnect()
