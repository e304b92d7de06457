"""The bundling layer's one reader per process (config/channel_layer.py), on a private Redis:
events arrive in order, and a reader stopped between popping and filing loses nothing."""

import asyncio

import pytest

from config.channel_layer import POP_LUA, BundlingRedisChannelLayer
from config.redis import channel_layer_host

pytestmark = pytest.mark.asyncio


def layer_on(redis_url: str) -> BundlingRedisChannelLayer:
    return BundlingRedisChannelLayer(hosts=[channel_layer_host(redis_url + "/0")], prefix="reader")


async def test_events_reach_each_channel_in_order(private_redis):
    layer = layer_on(private_redis.url)
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("room", first)
    await layer.group_add("room", second)
    await layer.group_add("own", first)

    for n in range(30):
        await layer.group_send_many(
            [("room", {"type": "x", "n": n}), ("own", {"type": "y", "n": n})]
        )

    got_first = [await asyncio.wait_for(layer.receive(first), 2) for _ in range(60)]
    got_second = [await asyncio.wait_for(layer.receive(second), 2) for _ in range(30)]
    assert [(m["type"], m["n"]) for m in got_first] == [
        (kind, n) for n in range(30) for kind in ("x", "y")
    ]
    assert [m["n"] for m in got_second] == list(range(30))
    await layer.flush()


async def test_what_a_stopped_reader_had_popped_is_delivered_by_the_next(private_redis):
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    await layer.group_add("room", channel)
    await layer.group_send_many([("room", {"type": "x", "n": n}) for n in range(3)])
    # A reader cancelled right after its pop: the bundle sits in the in-flight backup only.
    key = layer.prefix + layer.non_local_name(channel)
    connection = layer.connection(layer.consistent_hash(layer.non_local_name(channel)))
    popped = await connection.eval(POP_LUA, 2, key, key + "$inflight", 64)
    assert popped and await connection.zcard(key) == 0

    got = [await asyncio.wait_for(layer.receive(channel), 2) for _ in range(3)]

    assert [m["n"] for m in got] == [0, 1, 2]
    await layer.flush()


async def test_a_reader_that_stops_and_starts_again_delivers_nothing_twice(private_redis):
    """The reader stops when nobody waits (a test's async_to_sync loop, a socket's last
    frame) and forgets what it filed; the next one must not put it back."""
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    await layer.group_add("room", channel)

    for n in range(3):
        await layer.group_send_many([("room", {"type": "x", "n": n})])
        got = await asyncio.wait_for(layer.receive(channel), 2)
        assert got["n"] == n
        for _ in range(50):  # until the reader has seen that nobody waits
            if layer._reader.done():
                break
            await asyncio.sleep(0.02)
        assert layer._reader.done()
    await layer.flush()
