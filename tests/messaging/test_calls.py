"""Call signalling over /ws/ (docs/websocket-protocol.md, "Calls"), against the real ASGI
application, database, cache and channel layer: who may join, where each frame goes and where
it must not, what is refused, and what a call leaves in its conversation."""

import contextlib
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.utils import timezone

from messaging import calls, services
from messaging.models import Conversation, Message, Notification
from messaging.presence import presence_cache_key
from tests.messaging.test_protocol import socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async
OFFER = {"description": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}


async def frame_of(socket, frame_type, timeout=3, also_skip=()):
    """The next frame of this type, skipping the inbox's and bell's frames (a call's system
    line and a ring's notification also reach every member's sockets)."""
    # A ring (call.peer_joined) goes through the channel layer, so it may land after replies
    # sent straight to the socket later: waiting for anything else, it is passed over.
    rings = {"call.peer_joined"} if frame_type != "call.peer_joined" else set()
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame
        assert frame["type"] in {"conversation.updated", "notification", *rings, *also_skip}, frame


async def quiet(socket, timeout=0.3, also_skip=()):
    """Nothing but inbox updates arrives."""
    while not await socket.receive_nothing(timeout=timeout):
        frame = await socket.receive_json_from()
        assert frame["type"] in {"conversation.updated", "notification", *also_skip}, frame


async def join(socket, conversation_id):
    """Join, past the rings of those who joined before (each test reads the others' own)."""
    await socket.send_json_to({"type": "call.join", "conversation": conversation_id})
    return await frame_of(socket, "call.joined", also_skip={"call.peer_joined"})


@pytest.fixture
async def pair(alice, bob):
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    a = await socket_for(alice)
    b = await socket_for(bob)
    yield conversation, a, b
    for socket in (a, b):
        with contextlib.suppress(Exception):  # some tests closed it already
            await socket.disconnect()


async def test_join_answers_the_peers_and_tells_the_other_member(pair, alice, bob):
    conversation, a, b = pair

    joined = await join(a, conversation.pk)

    assert joined == {"type": "call.joined", "conversation": conversation.pk, "peers": []}
    rung = await frame_of(b, "call.peer_joined")
    assert rung == {
        "type": "call.peer_joined",
        "conversation": conversation.pk,
        "user": {"user": alice.pk, "name": "Alice Client"},
        "url": f"/messages/{conversation.pk}/call/",
    }
    joined = await join(b, conversation.pk)
    assert joined["peers"] == [{"user": alice.pk, "name": "Alice Client"}]
    assert (await frame_of(a, "call.peer_joined"))["user"]["user"] == bob.pk


async def test_joining_again_renews_and_tells_nobody(pair):
    conversation, a, b = pair
    await join(a, conversation.pk)
    await frame_of(b, "call.peer_joined")

    await join(a, conversation.pk)

    await quiet(b)


async def test_a_signal_reaches_only_the_named_members_joined_sockets(pair, alice, bob):
    conversation, a, b = pair
    b_elsewhere = await socket_for(bob)  # Bob's other tab, not in the call
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")
    await frame_of(b_elsewhere, "call.peer_joined")

    await a.send_json_to(
        {"type": "call.signal", "conversation": conversation.pk, "to": bob.pk, "data": OFFER}
    )

    relayed = await frame_of(b, "call.signal")
    assert relayed == {
        "type": "call.signal",
        "conversation": conversation.pk,
        "from": alice.pk,
        "data": OFFER,
    }
    await quiet(b_elsewhere)
    await quiet(a)
    await b_elsewhere.disconnect()


async def test_signalling_someone_not_in_the_call_is_not_found(pair, bob):
    conversation, a, _ = pair
    await join(a, conversation.pk)

    await a.send_json_to(
        {"type": "call.signal", "conversation": conversation.pk, "to": bob.pk, "data": OFFER}
    )

    error = await frame_of(a, "error")
    assert error["code"] == "not_found"
    assert error["conversation"] == conversation.pk


async def test_a_socket_must_join_before_it_signals(pair, bob):
    conversation, a, b = pair
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")

    await a.send_json_to(
        {"type": "call.signal", "conversation": conversation.pk, "to": bob.pk, "data": OFFER}
    )

    assert (await frame_of(a, "error"))["code"] == "invalid"
    await quiet(b)


async def test_a_stranger_gets_not_found_for_every_call_frame(pair, eve, alice):
    conversation, a, _ = pair
    await join(a, conversation.pk)
    stranger = await socket_for(eve)
    frames = [
        {"type": "call.join", "conversation": conversation.pk},
        {"type": "call.join", "conversation": 999_999},
        {"type": "call.signal", "conversation": conversation.pk, "to": alice.pk, "data": OFFER},
        {
            "type": "call.media",
            "conversation": conversation.pk,
            "audio": False,
            "video": True,
            "screen": False,
        },
    ]
    for frame in frames:
        await stranger.send_json_to(frame)
        error = await frame_of(stranger, "error")
        assert error["code"] == "not_found", frame
        assert error["detail"] == "No such conversation."
    await quiet(a)
    await stranger.disconnect()


@pytest.mark.parametrize(
    "frame,code",
    [
        ({"type": "call.join", "conversation": None}, "invalid"),
        ({"type": "call.join", "conversation": "one"}, "invalid"),
        ({"type": "call.signal", "conversation": "C", "to": 1, "data": {}}, "invalid"),
        ({"type": "call.signal", "to": "bob", "data": {}}, "invalid"),
        ({"type": "call.signal", "data": "sdp"}, "invalid"),
        ({"type": "call.signal", "data": {"sdp": "x" * (64 * 1024)}}, "too_large"),
        ({"type": "call.media", "audio": "off", "video": True, "screen": False}, "invalid"),
        ({"type": "call.leave", "conversation": -1}, "invalid"),
    ],
)
async def test_malformed_and_oversized_frames_are_refused(pair, bob, frame, code):
    conversation, a, b = pair
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")
    frame = {"conversation": conversation.pk, "to": bob.pk, **frame}

    await a.send_json_to(frame)

    assert (await frame_of(a, "error"))["code"] == code
    # The ring of a's join goes through the channel layer and may land after b's own join.
    await quiet(b, also_skip={"call.peer_joined"})
    await a.send_json_to({"type": "ping"})
    assert (await frame_of(a, "pong"))["type"] == "pong"


async def test_media_state_reaches_the_other_members_call_sockets(pair, alice, bob):
    conversation, a, b = pair
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")

    await a.send_json_to(
        {
            "type": "call.media",
            "conversation": conversation.pk,
            "audio": False,
            "video": True,
            "screen": True,
        }
    )

    assert await frame_of(b, "call.media") == {
        "type": "call.media",
        "conversation": conversation.pk,
        "user": alice.pk,
        "audio": False,
        "video": True,
        "screen": True,
    }
    await quiet(a)


async def test_leave_tells_the_others_and_the_call_is_recorded(pair, alice, bob):
    conversation, a, b = pair
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")

    await b.send_json_to({"type": "call.leave", "conversation": conversation.pk})

    assert await frame_of(b, "call.left") == {"type": "call.left", "conversation": conversation.pk}
    left = await frame_of(a, "call.peer_left")
    assert left == {"type": "call.peer_left", "conversation": conversation.pk, "user": bob.pk}
    assert await db(calls.in_call)(conversation.pk, [alice.pk, bob.pk]) == [alice.pk]
    await a.send_json_to({"type": "call.leave", "conversation": conversation.pk})
    await frame_of(a, "call.left")
    lines = await db(list)(
        Message.objects.filter(conversation=conversation, kind="system").values_list(
            "body", flat=True
        )
    )
    assert lines == ["Video call with Alice Client and Bob Freelancer · less than a minute"]


async def test_a_closing_socket_leaves_its_calls(pair, alice, bob):
    conversation, a, b = pair
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await frame_of(a, "call.peer_joined")

    await b.disconnect()

    left = await frame_of(a, "call.peer_left")
    assert left["user"] == bob.pk
    assert await db(calls.in_call)(conversation.pk, [bob.pk]) == []


async def test_a_person_leaves_only_when_their_last_socket_does(pair, alice, bob):
    conversation, a, b = pair
    b2 = await socket_for(bob)
    await join(a, conversation.pk)
    await join(b, conversation.pk)
    await join(b2, conversation.pk)
    for _ in (b, b2):  # each of Bob's sockets arriving is news to Alice
        assert (await frame_of(a, "call.peer_joined"))["user"]["user"] == bob.pk

    await b.send_json_to({"type": "call.leave", "conversation": conversation.pk})
    await frame_of(b, "call.left")

    await quiet(a)  # no call.peer_left: Bob is still in the call in his other tab
    await a.send_json_to(
        {"type": "call.signal", "conversation": conversation.pk, "to": bob.pk, "data": OFFER}
    )
    assert (await frame_of(b2, "call.signal"))["from"] == alice.pk
    await quiet(b, also_skip={"call.peer_joined"})  # a's ring may land after b's own join
    await b2.disconnect()
    assert (await frame_of(a, "call.peer_left"))["user"] == bob.pk


async def test_a_blocked_pair_cannot_call(pair, alice, bob):
    conversation, a, b = pair
    await db(services.user_block)(blocker=bob, blocked=alice)

    await a.send_json_to({"type": "call.join", "conversation": conversation.pk})

    error = await frame_of(a, "error")
    assert error["code"] == "forbidden"
    await quiet(b)


async def test_no_calls_in_a_dispute_thread(alice, bob):
    conversation = await db(services.conversation_create)(
        kind=Conversation.Kind.DISPUTE, title="Dispute", members=[alice, bob]
    )
    a = await socket_for(alice)

    await a.send_json_to({"type": "call.join", "conversation": conversation.pk})

    assert (await frame_of(a, "error"))["code"] == "forbidden"
    await a.disconnect()


async def test_joins_count_against_the_send_limit(pair, settings):
    settings.MESSAGE_RATE_LIMIT = 2
    conversation, a, b = pair
    for _ in range(2):
        await join(a, conversation.pk)
        await a.send_json_to({"type": "call.leave", "conversation": conversation.pk})
        await frame_of(a, "call.left")

    await a.send_json_to({"type": "call.join", "conversation": conversation.pk})

    error = await frame_of(a, "error")
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1


async def test_nobody_answering_is_a_missed_call_and_rings_the_bell_of_someone_offline(
    pair, alice, bob
):
    conversation, a, b = pair
    await b.disconnect()
    # Bob's last page closed over a minute ago.
    await db(cache.set)(presence_cache_key(bob.pk), timezone.now() - timedelta(minutes=5))

    await join(a, conversation.pk)
    await a.send_json_to({"type": "call.leave", "conversation": conversation.pk})
    await frame_of(a, "call.left")

    rings = await db(list)(Notification.objects.filter(user=bob, kind="call.ring"))
    assert [n.title for n in rings] == ["Alice Client called you"]
    assert rings[0].url == f"/messages/{conversation.pk}/call/"
    line = await db(Message.objects.filter(conversation=conversation, kind="system").get)()
    assert line.body == "Missed video call from Alice Client"


async def test_someone_with_a_page_open_is_rung_there_not_on_the_bell(pair, bob):
    conversation, a, b = pair

    await join(a, conversation.pk)
    await frame_of(b, "call.peer_joined")

    assert not await db(Notification.objects.filter(user=bob).exists)()
