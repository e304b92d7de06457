"""Whatever a client sends, the answer is a frame of the protocol, never a traceback: every frame
type the consumer handles × wrong types, huge numbers, deep nesting and unknown keys in each of
its fields, and raw texts no JSON library should choke the server with."""

import itertools
import json
import logging
import uuid

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.consumers import LiveConsumer
from tests.messaging.test_protocol import socket_for

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async

# The fields each frame type reads (docs/websocket-protocol.md). A frame type the consumer
# handles that is missing here fails test_every_frame_type_is_fuzzed.
FIELDS = {
    "ping": [],
    "subscribe": ["conversation", "after"],
    "unsubscribe": ["conversation"],
    "message.send": ["conversation", "body", "client_id", "attachments", "confirm"],
    "message.edit": ["message", "body", "confirm"],
    "message.delete": ["message"],
    "typing": ["conversation"],
    "read": ["conversation", "message"],
    "call.join": ["conversation"],
    "call.leave": ["conversation"],
    "call.signal": ["conversation", "to", "data"],
    "call.media": ["conversation", "audio", "video", "screen"],
}


def deep(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


BAD_VALUES = [
    "x",
    "",
    -1,
    1.5,
    True,
    None,
    [],
    [1, "2"],
    {},
    {"id": 1},
    2**63,
    2**70,
    -(2**70),
    [2**70],
    "9" * 5000,
    float("inf"),
    deep(300),
    {"nested": deep(300)},
]

RAW_TEXTS = [
    "[" * 50_000 + "]" * 50_000,
    '{"type":"ping","x":' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"type":"subscribe","conversation":' + "{" * 40_000,
    '{"type":"subscribe","conversation":' + "9" * 5000 + "}",
    '{"type":"subscribe","conversation":1e999}',
    '{"type":"subscribe","conversation":NaN}',
    '{"type":"' + "t" * 100_000 + '"}',
    "\udcff",
    " ",
    "null",
]

# What a frame may be answered with, besides nothing; server_error is a bug.
ANSWERS = {
    "pong",
    "subscribed",
    "unsubscribed",
    "message.ack",
    "policy.warning",
    "error",
    "call.joined",
    "call.left",
}
ERROR_CODES = {"invalid", "not_found", "forbidden", "too_large", "rate_limited"}


def test_every_frame_type_is_fuzzed():
    assert set(FIELDS) == set(LiveConsumer.handlers)


@pytest.fixture
async def member(alice, bob, settings):
    settings.MESSAGE_RATE_LIMIT = 100_000
    settings.WEBSOCKET_FRAME_RATE_LIMIT = 100_000
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    sent = await db(services.message_send)(
        conversation_id=conversation.pk, sender=alice, body="mine", client_id=uuid.uuid4()
    )
    socket = await socket_for(alice)
    yield socket, conversation.pk, sent.message.pk
    await socket.disconnect()


def valid_frame(frame_type, conversation_id, message_id):
    values = {
        "conversation": conversation_id,
        "after": 0,
        "message": message_id,
        "body": "fuzz",
        "client_id": str(uuid.uuid4()),
        "attachments": [],
        "confirm": False,
        "to": 1,
        "data": {"type": "offer", "sdp": "v=0"},
        "audio": True,
        "video": False,
        "screen": False,
    }
    return {"type": frame_type, **{name: values[name] for name in FIELDS[frame_type]}}


MARKERS = itertools.count(10**12)


async def answers_to(socket, text):
    """Every frame the server answers `text` with: those before the answer to a marker frame
    sent after it (frames are handled in order)."""
    marker = next(MARKERS)
    await socket.send_to(text_data=text)
    await socket.send_json_to({"type": "unsubscribe", "conversation": marker})
    answers = []
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame == {"type": "unsubscribed", "conversation": marker}:
            return answers
        if frame["type"] not in {"conversation.updated", "message.new", "message.updated"}:
            answers.append(frame)


def assert_protocol_answers(answers, sent):
    assert len(answers) <= 1, (sent[:200], answers)
    for answer in answers:
        assert answer["type"] in ANSWERS, (sent[:200], answer)
        if answer["type"] == "error":
            assert answer["code"] in ERROR_CODES, (sent[:200], answer)
            assert len(json.dumps(answer)) < 2000  # nothing big echoed back


@pytest.mark.parametrize("frame_type", sorted(FIELDS))
async def test_wrong_values_in_every_field_get_error_frames(member, frame_type, caplog):
    socket, conversation_id, message_id = member
    caplog.set_level(logging.ERROR)
    texts = []
    for field in FIELDS[frame_type]:
        for value in BAD_VALUES:
            frame = valid_frame(frame_type, conversation_id, message_id)
            frame[field] = value
            texts.append(json.dumps(frame))
        frame = valid_frame(frame_type, conversation_id, message_id)
        del frame[field]
        texts.append(json.dumps(frame))
    for extra in ({"unknown": deep(300)}, {"type2": "ping", "__proto__": {}}):
        texts.append(json.dumps({**valid_frame(frame_type, conversation_id, message_id), **extra}))

    for text in texts:
        assert_protocol_answers(await answers_to(socket, text), text)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("text", RAW_TEXTS, ids=range(len(RAW_TEXTS)))
async def test_raw_texts_get_error_frames(member, text, caplog):
    socket, _, _ = member
    caplog.set_level(logging.ERROR)

    answers = await answers_to(socket, text)

    assert len(answers) == 1 and answers[0]["type"] == "error", answers
    assert answers[0]["code"] in {"invalid", "too_large"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_attachment_id_of_2_to_the_70_is_invalid(member):
    socket, conversation_id, _ = member
    frame = valid_frame("message.send", conversation_id, None) | {"attachments": [2**70]}

    answers = await answers_to(socket, json.dumps(frame))

    assert answers == [
        {
            "type": "error",
            "code": "invalid",
            "detail": "attachments must be a list of attachment ids.",
            "client_id": frame["client_id"],
            "conversation": conversation_id,
        }
    ]


async def test_json_nested_50000_deep_is_invalid(member):
    socket, _, _ = member

    answers = await answers_to(socket, "[" * 50_000 + "]" * 50_000)

    assert answers == [
        {"type": "error", "code": "invalid", "detail": "Frames must not nest that deeply."}
    ]
