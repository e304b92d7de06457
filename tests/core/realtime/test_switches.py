"""Each speed-up can be switched back to its library's stock part (core/realtime/switches.py):
the settings pick the stock backends, and the live path works the same either way."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import CookieMiddleware, SessionMiddleware
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.realtime.redis_direct import ClientCommands, ThreadCommands, thread_commands
from core.realtime.switches import PARTS, choose
from core.realtime.websocket import ReadOnlySessionMiddleware, websocket_auth_stack
from messaging import services
from messaging.routing import websocket_urlpatterns
from tests.messaging.test_live_consumer import ORIGIN, session_cookie_for

ROOT = Path(__file__).resolve().parents[3]


def test_nothing_named_runs_every_speed_up():
    assert choose([]) == (frozenset(), "bundling")


def test_all_runs_every_part_stock_with_channels_redis_own_layer():
    assert choose(["all"]) == (frozenset(PARTS), "redis")


def test_a_stock_layer_by_either_setting():
    assert choose(["layer"]) == (frozenset({"layer"}), "redis")
    assert choose([], "redis") == (frozenset({"layer"}), "redis")
    assert choose(["cache"], "pubsub") == (frozenset({"layer", "cache"}), "pubsub")


@pytest.mark.parametrize(
    ("stock", "layer"),
    [(["cahce"], ""), ([], "bundled"), (["layer"], "bundling")],
)
def test_a_setting_that_names_nothing_or_contradicts_itself_is_refused(stock, layer):
    with pytest.raises(ImproperlyConfigured):
        choose(stock, layer)


SETTINGS_PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "group_expiry": settings.CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "stock": sorted(settings.REALTIME_STOCK),
}))
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {},
            {
                "layer": "core.realtime.layer.BundlingRedisChannelLayer",
                "group_expiry": 300,
                "cache": "core.realtime.cache.ReusingRedisCache",
                "stock": [],
            },
        ),
        (
            {"REALTIME_STOCK": "all"},
            {
                "layer": "channels_redis.core.RedisChannelLayer",
                "group_expiry": 86400,  # nothing renews members: channels-redis's own day
                "cache": "django.core.cache.backends.redis.RedisCache",
                "stock": sorted(PARTS),
            },
        ),
        (
            {"REALTIME_LAYER": "pubsub"},
            {
                "layer": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "group_expiry": 86400,
                "cache": "core.realtime.cache.ReusingRedisCache",
                "stock": ["layer"],
            },
        ),
    ],
)
def test_the_settings_pick_the_backends_the_environment_names(environment, expected):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REALTIME_STOCK", "REALTIME_LAYER", "CHANNEL_LAYER_GROUP_EXPIRY"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": "redis://127.0.0.1:1",  # never connected to: settings only
        **environment,
    }
    out = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == expected


def test_the_redis_scripts_go_through_the_client_when_switched_back():
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:1")  # never connected to
    with override_settings(REALTIME_STOCK=frozenset()):
        assert isinstance(thread_commands(client), ThreadCommands)
    with override_settings(REALTIME_STOCK=frozenset({"redis_client"})):
        assert isinstance(thread_commands(client), ClientCommands)


def test_the_websocket_session_is_channels_own_when_switched_back():
    router = URLRouter(websocket_urlpatterns)
    with override_settings(REALTIME_STOCK=frozenset({"session"})):
        stock = websocket_auth_stack(router)
    with override_settings(REALTIME_STOCK=frozenset()):
        faster = websocket_auth_stack(router)

    # Channels' stack: its SessionMiddleware, which wraps the consumer's send to save.
    assert isinstance(stock, CookieMiddleware)
    assert isinstance(stock.inner, SessionMiddleware)
    assert isinstance(stock.inner.inner, AuthMiddleware)
    # The same stack with the session read only.
    assert isinstance(faster, CookieMiddleware)
    assert isinstance(faster.inner, ReadOnlySessionMiddleware)
    assert isinstance(faster.inner.inner, AuthMiddleware)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "stock",
    [frozenset(), frozenset({"session"}), frozenset(PARTS)],
    ids=["all-on", "stock-session", "all-stock"],
)
async def test_a_message_reaches_the_other_socket_whichever_parts_are_stock(alice, bob, stock):
    with override_settings(REALTIME_STOCK=stock):
        application = AllowedHostsOriginValidator(
            websocket_auth_stack(URLRouter(websocket_urlpatterns))
        )
        conversation = await database_sync_to_async(services.conversation_open_direct)(
            user=alice, other=bob
        )
        sockets = []
        for user in (alice, bob):
            cookie = await database_sync_to_async(session_cookie_for)(user)
            socket = WebsocketCommunicator(
                application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)]
            )
            connected, _ = await socket.connect()
            assert connected
            await socket.send_json_to({"type": "subscribe", "conversation": conversation.pk})
            assert (await socket.receive_json_from(timeout=3))["type"] == "subscribed"
            sockets.append(socket)
        sender, receiver = sockets
        client_id = str(uuid.uuid4())
        await sender.send_json_to(
            {
                "type": "message.send",
                "conversation": conversation.pk,
                "body": "either way",
                "client_id": client_id,
            }
        )

        frames = [await receiver.receive_json_from(timeout=3)]
        while frames[-1]["type"] != "message.new":
            frames.append(await receiver.receive_json_from(timeout=3))
        assert frames[-1]["message"]["body"] == "either way"
        assert frames[-1]["message"]["client_id"] == client_id
        acked = [await sender.receive_json_from(timeout=3) for _ in range(2)]
        assert "message.ack" in {frame["type"] for frame in acked}
        for socket in sockets:
            await socket.disconnect()
