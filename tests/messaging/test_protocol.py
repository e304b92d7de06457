"""Every frame type and error of the websocket protocol, against the real ASGI application,
database and channel layer (docs/websocket-protocol.md)."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from messaging import services
from messaging.models import Message
from tests.messaging.test_live_consumer import ORIGIN, session_cookie_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


async def socket_for(user):
    cookie = await db(session_cookie_for)(user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def expect(communicator, frame_type, timeout=3, also_skip=()):
    """The next frame of this type, skipping conversation.updated (sent to user groups)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame
        assert frame["type"] in {"conversation.updated", *also_skip}, frame


async def inbox_updates_settle(communicator):
    """Read the conversation.updated frames of what was sent while the socket was not
    subscribed: through Redis (channels-redis's own layer) they may still be on their way,
    and one that arrives after a subscribe is rightly a message.new."""
    while not await communicator.receive_nothing(timeout=0.3):
        assert (await communicator.receive_json_from())["type"] == "conversation.updated"


async def subscribe(communicator, conversation_id, after=0, also_skip=()):
    await communicator.send_json_to(
        {"type": "subscribe", "conversation": conversation_id, "after": after}
    )
    return await expect(communicator, "subscribed", also_skip=also_skip)


def send_frame(conversation_id, body="Hello", **extra):
    return {
        "type": "message.send",
        "conversation": conversation_id,
        "body": body,
        "client_id": str(uuid.uuid4()),
        **extra,
    }


@pytest.fixture
async def room(alice, bob):
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    a = await socket_for(alice)
    b = await socket_for(bob)
    yield conversation, a, b
    await a.disconnect()
    await b.disconnect()


async def test_send_acks_the_sender_and_reaches_every_subscriber(room):
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    frame = send_frame(conversation.pk, "Hi Bob")
    await a.send_json_to(frame)

    ack = await expect(a, "message.ack")
    assert ack["client_id"] == frame["client_id"]
    message = ack["message"]
    assert message["body"] == "Hi Bob" and message["seq"] == 1 and message["kind"] == "user"
    assert message["sender"]["name"] == "Alice Client" and message["deleted"] is False
    assert set(message) >= {
        "id",
        "conversation",
        "version",
        "created_at",
        "edited_at",
        "attachments",
    }
    assert (await expect(b, "message.new"))["message"] == message
    # The sender's own tabs get it too; clients merge by id.
    assert (await expect(a, "message.new"))["message"]["id"] == message["id"]


async def test_a_resend_is_acked_with_the_stored_message_and_broadcasts_nothing(room):
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    frame = send_frame(conversation.pk)
    await a.send_json_to(frame)
    first = await expect(a, "message.ack")
    await expect(a, "message.new")
    await expect(b, "message.new")

    await a.send_json_to(frame)
    again = await expect(a, "message.ack")

    assert again["message"]["id"] == first["message"]["id"]
    assert await db(Message.objects.count)() == 1
    for socket in (a, b):
        while not await socket.receive_nothing(timeout=0.3):
            assert (await socket.receive_json_from())["type"] == "conversation.updated"


async def test_subscribe_catches_up_on_what_was_missed_including_edits_and_deletes(room, alice):
    conversation, a, b = room
    first = await db(services.message_send)(
        conversation_id=conversation.pk, sender=alice, body="one", client_id=uuid.uuid4()
    )
    await inbox_updates_settle(b)
    cursor = (await subscribe(b, conversation.pk))["version"]
    await b.send_json_to({"type": "unsubscribe", "conversation": conversation.pk})
    assert await expect(b, "unsubscribed") == {
        "type": "unsubscribed",
        "conversation": conversation.pk,
    }

    await db(services.message_edit)(message_id=first.message.pk, by=alice, body="one, edited")
    second = await db(services.message_send)(
        conversation_id=conversation.pk, sender=alice, body="two", client_id=uuid.uuid4()
    )
    await db(services.message_delete)(message_id=second.message.pk, by=alice)
    await inbox_updates_settle(b)

    caught = await subscribe(b, conversation.pk, after=cursor)
    assert [(m["id"], m["body"], m["deleted"]) for m in caught["missed"]] == [
        (first.message.pk, "one, edited", False),
        (second.message.pk, "", True),
    ]
    assert caught["has_more"] is False and caught["version"] == 4


async def test_catch_up_pages_with_has_more(room, alice, settings):
    settings.MESSAGE_CATCH_UP_PAGE = 3
    conversation, a, b = room
    for n in range(7):
        await db(services.message_send)(
            conversation_id=conversation.pk, sender=alice, body=f"m{n}", client_id=uuid.uuid4()
        )
    await inbox_updates_settle(b)

    seen, after = [], 0 + 1
    seen.append(1)
    while True:
        # The sends' own message.new events reach b's user group and may be forwarded once the
        # first subscribe lands; this test is about the catch-up pages, so they are passed over.
        frame = await subscribe(b, conversation.pk, after=after, also_skip={"message.new"})
        seen += [m["version"] for m in frame["missed"]]
        if not frame["has_more"]:
            break
        after = max(m["version"] for m in frame["missed"])
    assert seen == list(range(1, 8)) and frame["version"] == 7


async def test_after_zero_gives_the_latest_messages_in_order(room, alice, settings):
    settings.MESSAGE_PAGE_SIZE = 3
    conversation, a, b = room
    for n in range(5):
        await db(services.message_send)(
            conversation_id=conversation.pk, sender=alice, body=f"m{n}", client_id=uuid.uuid4()
        )

    frame = await subscribe(b, conversation.pk)

    assert [m["body"] for m in frame["missed"]] == ["m2", "m3", "m4"]
    assert frame["version"] == 5 and frame["has_more"] is False


async def test_a_stranger_gets_not_found_exactly_like_a_missing_conversation(room, eve):
    conversation, a, b = room
    stranger = await socket_for(eve)

    await stranger.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    theirs = await expect(stranger, "error")
    await stranger.send_json_to({"type": "subscribe", "conversation": 987654})
    missing = await expect(stranger, "error")
    await stranger.send_json_to(send_frame(conversation.pk))
    send_error = await expect(stranger, "error")

    assert theirs["code"] == missing["code"] == send_error["code"] == "not_found"
    assert theirs["detail"] == missing["detail"]
    assert theirs["conversation"] == conversation.pk
    assert await db(Message.objects.count)() == 0
    await stranger.disconnect()


async def test_policy_warning_then_confirmed_send(room):
    conversation, a, b = room
    await subscribe(b, conversation.pk)
    frame = send_frame(conversation.pk, "Text me on WhatsApp at +1 415 555 0134 instead")

    await a.send_json_to(frame)
    warning = await expect(a, "policy.warning")
    assert warning["client_id"] == frame["client_id"]
    assert warning["conversation"] == conversation.pk
    assert warning["reasons"] and all(r["code"] and r["text"] for r in warning["reasons"])
    assert await db(Message.objects.count)() == 0

    await a.send_json_to({**frame, "confirm": True})
    ack = await expect(a, "message.ack")
    assert (await expect(b, "message.new"))["message"]["id"] == ack["message"]["id"]
    assert await db(lambda: Message.objects.get().flagged)()


async def test_edit_and_delete_reach_subscribers(room):
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await a.send_json_to(send_frame(conversation.pk, "draft"))
    message_id = (await expect(a, "message.ack"))["message"]["id"]
    await expect(b, "message.new")

    await a.send_json_to({"type": "message.edit", "message": message_id, "body": "final"})
    edited = (await expect(b, "message.updated"))["message"]
    assert edited["body"] == "final" and edited["edited_at"]

    await a.send_json_to({"type": "message.delete", "message": message_id})
    deleted = (await expect(b, "message.updated"))["message"]
    assert deleted["deleted"] is True and deleted["body"] == ""
    assert deleted["version"] > edited["version"]


async def test_editing_another_persons_message_is_forbidden(room):
    conversation, a, b = room
    await a.send_json_to(send_frame(conversation.pk, "mine"))
    message_id = (await expect(a, "message.ack"))["message"]["id"]

    await b.send_json_to({"type": "message.edit", "message": message_id, "body": "theirs now"})
    error = await expect(b, "error")
    await b.send_json_to({"type": "message.delete", "message": message_id})
    delete_error = await expect(b, "error")

    assert error["code"] == delete_error["code"] == "forbidden"
    assert error["message"] == message_id


async def test_typing_and_read_go_to_the_others_only(room, alice):
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await a.send_json_to(send_frame(conversation.pk))
    message_id = (await expect(a, "message.ack"))["message"]["id"]
    await expect(a, "message.new")
    await expect(b, "message.new")

    await a.send_json_to({"type": "typing", "conversation": conversation.pk})
    typing = await expect(b, "typing")
    assert typing["user"] == {"id": alice.pk, "name": alice.name, "handle": alice.handle}

    await b.send_json_to({"type": "read", "conversation": conversation.pk, "message": message_id})
    read = await expect(a, "read")
    assert read["message"] == message_id and read["user"]["name"] == "Bob Freelancer"

    # Neither echoed to its sender.
    while not await a.receive_nothing(timeout=0.3):
        assert (await a.receive_json_from())["type"] == "conversation.updated"


async def test_unread_counts_arrive_as_conversation_updated(room):
    conversation, a, b = room
    await a.send_json_to(send_frame(conversation.pk, "count me"))
    await expect(a, "message.ack")

    updated = await expect_type_only(b, "conversation.updated")
    assert updated["conversation"] == conversation.pk and updated["unread"] == 1
    assert updated["last_message"]["body"] == "count me"


async def test_a_new_message_is_one_frame_per_socket(room, bob):
    """message.new carries the person's unread count to a socket subscribed to the
    conversation; their other sockets (an inbox tab) get conversation.updated; nobody gets
    both."""
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    inbox = await socket_for(bob)
    try:
        await a.send_json_to(send_frame(conversation.pk, "one frame"))
        message = (await expect(a, "message.ack"))["message"]

        assert await b.receive_json_from(timeout=3) == {
            "type": "message.new",
            "conversation": conversation.pk,
            "message": message,
            "unread": 1,
        }
        assert await a.receive_json_from(timeout=3) == {
            "type": "message.new",
            "conversation": conversation.pk,
            "message": message,
            "unread": 0,
        }
        assert await inbox.receive_json_from(timeout=3) == {
            "type": "conversation.updated",
            "conversation": conversation.pk,
            "unread": 1,
            "last_message": message,
        }
        for socket in (a, b, inbox):
            assert await socket.receive_nothing(timeout=0.3)
    finally:
        await inbox.disconnect()


async def expect_type_only(communicator, frame_type):
    while True:
        frame = await communicator.receive_json_from(timeout=3)
        if frame["type"] == frame_type:
            return frame


@pytest.mark.parametrize(
    "frame,code",
    [
        ({"type": "subscribe"}, "invalid"),
        ({"type": "subscribe", "conversation": "one"}, "invalid"),
        ({"type": "message.send", "conversation": 1, "body": "x"}, "invalid"),
        ({"type": "message.send", "conversation": 1, "body": "x", "client_id": "nope"}, "invalid"),
        ({"type": "message.edit", "message": True, "body": "x"}, "invalid"),
        ({"type": "read", "conversation": 1}, "invalid"),
    ],
)
async def test_malformed_fields_are_invalid_and_the_socket_lives_on(room, frame, code):
    conversation, a, b = room

    await a.send_json_to(frame)

    assert (await expect(a, "error"))["code"] == code
    await a.send_json_to({"type": "ping"})
    assert await expect(a, "pong") == {"type": "pong"}


async def test_an_overlong_body_is_too_large(room):
    conversation, a, b = room
    frame = send_frame(conversation.pk, "x" * 10_001)

    await a.send_json_to(frame)

    error = await expect(a, "error")
    assert error["code"] == "too_large" and error["client_id"] == frame["client_id"]


async def test_a_flood_is_rate_limited_with_retry_after(room, settings):
    settings.MESSAGE_RATE_LIMIT = 2
    settings.MESSAGE_RATE_LIMIT_PERIOD = 30
    conversation, a, b = room
    for _ in range(2):
        await a.send_json_to(send_frame(conversation.pk))
        await expect(a, "message.ack")

    await a.send_json_to(send_frame(conversation.pk))

    error = await expect(a, "error")
    assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 30
    assert await db(Message.objects.count)() == 2


async def test_sending_in_a_read_only_conversation_is_forbidden(room):
    conversation, a, b = room
    await db(services.conversation_set_read_only)(conversation=conversation, read_only=True)

    await a.send_json_to(send_frame(conversation.pk))

    assert (await expect(a, "error"))["code"] == "forbidden"


async def test_a_removed_member_leaves_the_conversation_at_once(room, alice, bob):
    conversation, a, b = room
    await subscribe(b, conversation.pk)

    await db(services.participant_remove)(conversation=conversation, user=bob)
    removed = await expect_type_only(b, "conversation.removed")
    assert removed["conversation"] == conversation.pk

    await db(services.participant_add)(conversation=conversation, user=bob)  # not resubscribed
    await db(services.message_send)(
        conversation_id=conversation.pk, sender=alice, body="after", client_id=uuid.uuid4()
    )
    while not await b.receive_nothing(timeout=0.3):
        assert (await b.receive_json_from())["type"] != "message.new"


async def test_a_notification_reaches_every_open_tab_of_its_person(room, alice):
    from messaging.notifications import notify

    conversation, a, b = room
    second_tab = await socket_for(alice)

    note = await db(notify)(user=alice, kind="invitation.new", title="You have an invitation")

    for tab in (a, second_tab):
        frame = await expect_type_only(tab, "notification")
        assert frame["notification"]["id"] == note.pk
        assert frame["notification"]["title"] == "You have an invitation"
    assert await b.receive_nothing(timeout=0.3)
    await second_tab.disconnect()


async def test_concurrent_senders_reach_subscribers_in_version_order(room, settings):
    """Sends run in a thread pool; sends to one conversation still take turns, so every
    subscriber sees them in version order with no gap (the page's catch-up cursor relies on
    it)."""
    settings.MESSAGE_RATE_LIMIT = 1000
    conversation, a, b = room
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    for n in range(15):
        await a.send_json_to(send_frame(conversation.pk, f"from a {n}"))
        await b.send_json_to(send_frame(conversation.pk, f"from b {n}"))

    for communicator in (a, b):
        versions = []
        while len(versions) < 30:
            frame = await communicator.receive_json_from(timeout=5)
            if frame["type"] == "message.new":
                versions.append(frame["message"]["version"])
        assert versions == sorted(versions)
        assert versions == list(range(versions[0], versions[0] + 30))


async def next_text(communicator):
    """The next frame as the server wrote it, skipping conversation.updated."""
    while True:
        text = await communicator.receive_from(timeout=3)
        if json.loads(text)["type"] != "conversation.updated":
            return text


async def test_error_frames_are_written_exactly_as_the_protocol_says(room, settings):
    """Byte for byte: the keys, their order, and what each error echoes (a service's error the
    frame's client_id, conversation and message; the consumer's own refusal what it names)."""
    settings.MESSAGE_RATE_LIMIT = 0
    conversation, a, b = room
    pk, client_id = conversation.pk, str(uuid.uuid4())
    cases = [
        (
            {"type": "no.such.frame", "client_id": client_id},
            '{"type":"error","code":"invalid","detail":"Unknown frame type \'no.such.frame\'."}',
        ),
        (
            {"type": "read", "message": "7", "conversation": pk, "client_id": client_id},
            '{"type":"error","code":"invalid","detail":"\'message\' must be a non-negative '
            f'integer.","client_id":"{client_id}","conversation":{pk},"message":"7"}}',
        ),
        (
            {"type": "subscribe", "conversation": pk + 1000, "message": 3},
            '{"type":"error","code":"not_found","detail":"No such conversation.",'
            f'"conversation":{pk + 1000}}}',
        ),
        (
            {
                "type": "message.send",
                "body": "x" * 10_001,
                "conversation": pk,
                "client_id": client_id,
            },
            '{"type":"error","code":"too_large","detail":"Messages may be at most 10,000 '
            f'characters.","client_id":"{client_id}","conversation":{pk}}}',
        ),
    ]
    for frame, expected in cases:
        await a.send_json_to(frame)
        assert await next_text(a) == expected

    await a.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * (256 * 1024)}))
    assert await next_text(a) == (
        '{"type":"error","code":"too_large","detail":"Frames may be at most 256 KiB."}'
    )

    await a.send_json_to(send_frame(pk))
    limited = json.loads(await next_text(a), object_pairs_hook=list)
    assert [key for key, _ in limited] == [
        "type", "code", "detail", "client_id", "conversation", "retry_after",
    ]  # fmt: skip
    assert dict(limited)["code"] == "rate_limited" and dict(limited)["retry_after"] >= 1
