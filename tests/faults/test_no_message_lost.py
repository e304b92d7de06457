"""Faults that must cost latency, never a message (docs/websocket-protocol.md, guarantees)."""

import asyncio
import json
import logging
import uuid

import pytest
import websockets
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from core.realtime.redis import channel_layer_host
from messaging import services
from messaging.models import Message
from tests.live_server import Daphne, database_url_for_subprocess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async
ORIGIN = (b"origin", b"http://localhost")


def cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


async def socket_for(user):
    from config.asgi import application

    cookie = (await db(cookie_for)(user)).encode()
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frames_until(communicator, frame_type, timeout=5):
    seen = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == frame_type:
            return seen


async def catch_up(communicator, conversation_id, after):
    """Subscribe from `after`, following has_more; the messages and the final cursor."""
    messages = []
    while True:
        await communicator.send_json_to(
            {"type": "subscribe", "conversation": conversation_id, "after": after}
        )
        frame = (await frames_until(communicator, "subscribed"))[-1]
        messages += frame["missed"]
        if not frame["has_more"]:
            return messages, frame["version"]
        after = max(m["version"] for m in frame["missed"])


async def send_many(conversation, sender, bodies, *, from_another_process=False):
    """Send as this server process does (its events reach its own sockets directly), or, with
    `from_another_process`, from a thread with its own event loop: the events then travel
    through Redis like those of another process."""

    def send(body):
        return services.message_send(
            conversation_id=conversation.pk,
            sender=sender,
            body=body,
            client_id=uuid.uuid4(),
            rate_limited=False,
        )

    def send_and_close(body):
        try:
            send(body)
        finally:
            connections.close_all()  # this thread's own connection, which nobody else closes

    for body in bodies:
        if from_another_process:
            await asyncio.to_thread(send_and_close, body)
        else:
            await db(send)(body)


async def test_a_dropped_socket_catches_up_on_all_100_in_order(alice, bob, settings):
    settings.MESSAGE_CATCH_UP_PAGE = 30  # so the catch-up pages through has_more
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    await send_many(conversation, alice, ["hello"])
    reader = await socket_for(bob)
    _, cursor = await catch_up(reader, conversation.pk, 0)
    await reader.disconnect()  # the socket drops…

    bodies = [f"message {n}" for n in range(100)]
    await send_many(conversation, alice, bodies)  # …while 100 messages are sent

    reader = await socket_for(bob)
    missed, _ = await catch_up(reader, conversation.pk, cursor)
    await reader.disconnect()

    assert [m["body"] for m in missed] == bodies
    assert [m["seq"] for m in missed] == list(range(2, 102))
    assert len({m["id"] for m in missed}) == 100


@pytest.mark.parametrize(
    ("backend", "from_another_process"),
    [
        ("core.realtime.layer.BundlingRedisChannelLayer", True),
        ("core.realtime.layer.BundlingRedisChannelLayer", False),
        ("channels_redis.core.RedisChannelLayer", False),
        ("channels_redis.pubsub.RedisPubSubChannelLayer", False),
    ],
)
async def test_redis_restarted_mid_stream_loses_nothing(
    alice, bob, settings, private_redis, backend, from_another_process
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": backend,
            "CONFIG": {"hosts": [channel_layer_host(private_redis.url + "/0")]},
        }
    }
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    await send_many(conversation, alice, ["before 0"])
    reader = await socket_for(bob)
    _, cursor = await catch_up(reader, conversation.pk, 0)

    remote = {"from_another_process": from_another_process}
    await send_many(conversation, alice, [f"before {n}" for n in range(1, 10)], **remote)
    await asyncio.to_thread(private_redis.restart)  # groups and queued events are gone
    await send_many(conversation, alice, [f"after {n}" for n in range(10)], **remote)

    live = []
    try:
        while not await reader.receive_nothing(timeout=0.5):
            frame = await reader.receive_json_from()
            if frame["type"] == "message.new":
                live.append(frame["message"])
        await reader.disconnect()
    except Exception as error:  # noqa: BLE001
        # The restart broke the consumer's channel-layer connection and ended the socket, as
        # daphne does (code 1011); the page reconnects and catches up.
        logging.getLogger(__name__).info("socket ended by the Redis restart: %r", error)
    reader = await socket_for(bob)
    missed, _ = await catch_up(reader, conversation.pk, cursor)
    await reader.disconnect()

    stored = await db(
        lambda: list(Message.objects.order_by("seq").values_list("body", flat=True))
    )()
    expected = [f"before {n}" for n in range(10)] + [f"after {n}" for n in range(10)]
    assert stored == expected
    seen = {m["id"]: m["body"] for m in live + missed}
    seen[0] = "before 0"  # seen at subscribe time
    assert sorted(seen.values(), key=expected.index) == expected
    if from_another_process or backend == "channels_redis.core.RedisChannelLayer":
        # Live delivery through Redis is a hint: the restart lost the socket's groups (and the
        # socket), and catch-up by version alone brought the rest. (This process's own
        # sockets are served without Redis and may have had them all live; the pub/sub layer
        # subscribes again after the restart and may have too.)
        assert len(live) < 19


async def test_a_slow_consumer_does_not_hold_up_the_others(alice, bob, eve, settings, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10}}
    }
    caplog.set_level(logging.INFO)
    conversation = await db(services.conversation_create)(
        kind="workroom", title="Room", members=[alice, bob, eve]
    )
    reader = await socket_for(bob)
    await catch_up(reader, conversation.pk, 0)
    # A member whose process never reads its channel (a stuck tab or a wedged server).
    layer = get_channel_layer()
    stuck = await layer.new_channel()
    await layer.group_add(f"user.{eve.pk}", stuck)

    await send_many(conversation, alice, [f"m{n}" for n in range(40)])

    received = []
    while len(received) < 40:
        frame = await reader.receive_json_from(timeout=5)
        if frame["type"] == "message.new":
            received.append(frame["message"]["body"])
    await reader.disconnect()
    assert received == [f"m{n}" for n in range(40)]
    # The stuck channel holds at most its capacity; the rest was dropped for it, on purpose:
    # it catches up by version when it reads again.
    assert layer.channels[stuck].qsize() == 10


async def test_a_message_sent_to_one_daphne_reaches_a_subscriber_on_another(
    alice, bob, tmp_path, private_redis
):
    """The production shape: two daphne processes sharing PostgreSQL or SQLite and Redis."""
    conversation = await db(services.conversation_open_direct)(user=alice, other=bob)
    database_url = await db(database_url_for_subprocess)()
    env = {"REDIS_URL": private_redis.url, "MEDIA_ROOT": str(tmp_path / "media")}
    servers = [
        await asyncio.to_thread(Daphne, database_url=database_url, log_dir=tmp_path, env=env)
        for _ in range(2)
    ]
    try:
        origin = servers[0].url
        alice_cookie, bob_cookie = await db(cookie_for)(alice), await db(cookie_for)(bob)
        async with (
            websockets.connect(
                servers[0].ws_url, origin=origin, additional_headers={"Cookie": alice_cookie}
            ) as sender,
            websockets.connect(
                servers[1].ws_url,
                origin=servers[1].url,
                additional_headers={"Cookie": bob_cookie},
            ) as receiver,
        ):
            await receiver.send(json.dumps({"type": "subscribe", "conversation": conversation.pk}))
            while json.loads(await receiver.recv())["type"] != "subscribed":
                pass
            client_id = str(uuid.uuid4())
            await sender.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "conversation": conversation.pk,
                        "body": "across processes",
                        "client_id": client_id,
                    }
                )
            )
            async with asyncio.timeout(10):
                while True:
                    frame = json.loads(await receiver.recv())
                    if frame["type"] == "message.new":
                        break
            assert frame["message"]["body"] == "across processes"
            assert frame["message"]["client_id"] == client_id
    finally:
        for server in servers:
            await asyncio.to_thread(server.stop)
