"""The bundling layer (core/realtime/layer.py), on a private Redis: a process's own channels
are served without Redis, other processes' through one bundle each and one reader per
process; events arrive in order, once, and a reader stopped between popping and filing loses
nothing."""

import asyncio
import logging
import time

import pytest
import redis
from asgiref.sync import async_to_sync

from core.realtime.layer import POP_LUA, BundlingRedisChannelLayer
from core.realtime.redis import channel_layer_host

pytestmark = [pytest.mark.slow, pytest.mark.asyncio]


def layer_on(redis_url: str, **config) -> BundlingRedisChannelLayer:
    """A layer is what one server process has: two layers on one Redis are two processes."""
    return BundlingRedisChannelLayer(
        hosts=[channel_layer_host(redis_url + "/0")], prefix="reader", **config
    )


def queue_key(layer, channel):
    return layer.prefix + layer.non_local_name(channel)


async def receive_all(layer, channel, count):
    return [await asyncio.wait_for(layer.receive(channel), 2) for _ in range(count)]


async def test_events_reach_each_channel_in_order_in_both_processes(private_redis):
    here, there = layer_on(private_redis.url), layer_on(private_redis.url)
    local, remote = await here.new_channel(), await there.new_channel()
    for layer, channel in ((here, local), (there, remote)):
        await layer.group_add("room", channel)
        await layer.group_add(f"own-{channel[-6:]}", channel)

    for n in range(30):
        await here.group_send_many(
            [
                ("room", {"type": "x", "n": n}),
                (f"own-{local[-6:]}", {"type": "y", "n": n}),
                (f"own-{remote[-6:]}", {"type": "y", "n": n}),
            ]
        )

    # This process's channel had everything before anything awaited, and nothing was queued
    # in Redis for this process: it cannot get any event twice.
    assert here.receive_buffer[local].qsize() == 60
    assert await here.connection(0).zcard(queue_key(here, local)) == 0
    expected = [(kind, n) for n in range(30) for kind in ("x", "y")]
    for layer, channel in ((here, local), (there, remote)):
        got = await receive_all(layer, channel, 60)
        assert [(m["type"], m["n"]) for m in got] == expected
    await asyncio.sleep(0.2)  # anything extra would have arrived by now
    assert here.receive_buffer[local].empty() and there.receive_buffer[remote].empty()
    await here.flush()
    await there.flush()


async def test_a_publish_while_a_join_is_on_its_way_reaches_the_new_member(private_redis):
    """A socket's join (connect, subscribe) and a publish from the same process can overlap:
    the member must be found here even if Redis already has it, since Redis skips this
    process's own members."""
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    joining = asyncio.ensure_future(layer.group_add("room", channel))
    await asyncio.sleep(0)  # the join has started and waits for Redis

    await layer.group_send_many([("room", {"type": "x", "n": 1})])
    await joining

    assert (await receive_all(layer, channel, 1))[0]["n"] == 1
    await layer.flush()


async def test_a_join_that_fails_is_not_served_from_here(private_redis):
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    private_redis.stop()
    with pytest.raises(redis.ConnectionError):
        await layer.group_add("room", channel)
    private_redis.start()

    assert "room" not in layer._local_groups
    await layer.flush()


async def test_a_publish_from_another_event_loop_goes_through_redis(private_redis):
    """A sync caller (a Celery task, a management command) publishes from a loop of its own:
    the consumers' queues are not its to touch, so their events travel through Redis."""
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    await layer.group_add("room", channel)

    def publish_from_a_thread():
        async_to_sync(layer.group_send_many)([("room", {"type": "x", "n": n}) for n in range(3)])

    await asyncio.to_thread(publish_from_a_thread)

    assert channel not in layer.receive_buffer
    assert [m["n"] for m in await receive_all(layer, channel, 3)] == [0, 1, 2]
    await layer.flush()


async def test_a_reading_channel_keeps_one_buffer(private_redis):
    """Stock channels-redis dropped a channel's buffer whenever it was empty, so the
    consumer's next receive made a new queue: one per event delivered."""
    layer = layer_on(private_redis.url)
    channel = await layer.new_channel()
    await layer.group_add("room", channel)
    await layer.group_send_many([("room", {"type": "x", "n": 1})])
    buffer = layer.receive_buffer[channel]
    assert (await receive_all(layer, channel, 1))[0]["n"] == 1
    await layer.group_send_many([("room", {"type": "x", "n": 2})])
    assert (await receive_all(layer, channel, 1))[0]["n"] == 2
    assert layer.receive_buffer[channel] is buffer
    await layer.flush()


async def test_a_channel_whose_consumer_ended_is_forgotten(private_redis):
    layer = layer_on(private_redis.url)
    ended, alive = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("room", ended)
    await layer.group_add("room", alive)
    waiting = asyncio.ensure_future(layer.receive(ended))
    await asyncio.sleep(0.05)
    waiting.cancel()  # as Channels does when the consumer ends
    with pytest.raises(asyncio.CancelledError):
        await waiting

    await layer.group_send_many([("room", {"type": "x", "n": 1})])

    assert ended not in layer.receive_buffer
    assert (await receive_all(layer, alive, 1))[0]["n"] == 1
    await layer.flush()


async def test_a_channel_that_does_not_read_keeps_its_capacity_and_says_so(private_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.realtime.layer")
    layer = layer_on(private_redis.url, capacity=5)
    stuck, reading = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("room", stuck)
    await layer.group_add("room", reading)

    for n in range(12):
        await layer.group_send_many([("room", {"type": "x", "n": n})])
        assert (await receive_all(layer, reading, 1))[0]["n"] == n

    assert [layer.receive_buffer[stuck].get_nowait()["n"] for _ in range(5)] == list(range(7, 12))
    assert f"channel {stuck} is not reading" in caplog.text
    await layer.flush()


async def test_what_a_stopped_reader_had_popped_is_delivered_by_the_next(private_redis):
    here, there = layer_on(private_redis.url), layer_on(private_redis.url)
    channel = await there.new_channel()
    await there.group_add("room", channel)
    await here.group_send_many([("room", {"type": "x", "n": n}) for n in range(3)])
    # A reader cancelled right after its pop: the bundle sits in the in-flight backup only.
    key = queue_key(there, channel)
    connection = there.connection(0)
    popped = await connection.eval(POP_LUA, 2, key, key + "$inflight", 64)
    assert popped and await connection.zcard(key) == 0

    got = await receive_all(there, channel, 3)

    assert [m["n"] for m in got] == [0, 1, 2]
    await here.flush()
    await there.flush()


async def test_a_reader_that_stops_and_starts_again_delivers_nothing_twice(private_redis):
    """The reader stops when nobody waits (a test's async_to_sync loop, a socket's last
    frame) and forgets what it filed; the next one must not put it back."""
    here, there = layer_on(private_redis.url), layer_on(private_redis.url)
    channel = await there.new_channel()
    await there.group_add("room", channel)

    for n in range(3):
        await here.group_send_many([("room", {"type": "x", "n": n})])
        got = await asyncio.wait_for(there.receive(channel), 2)
        assert got["n"] == n
        for _ in range(50):  # until the reader has seen that nobody waits
            if there._reader.done():
                break
            await asyncio.sleep(0.02)
        assert there._reader.done()
    await here.flush()
    await there.flush()


async def test_an_idle_reader_outlives_its_socket_timeout(private_redis):
    """Nothing to read for longer than the connection's socket timeout: the reader's blocking
    pop must come back empty first, not time out (which closed every socket of the process)."""
    host = {**channel_layer_host(private_redis.url + "/0"), "socket_timeout": 0.4}
    here = BundlingRedisChannelLayer(hosts=[host], prefix="reader")
    there = layer_on(private_redis.url)
    channel = await here.new_channel()
    await here.group_add("room", channel)

    waiting = asyncio.ensure_future(here.receive(channel))
    await asyncio.sleep(3)  # longer than the timeout and its retries (core/realtime/redis.py)
    assert not waiting.done()
    await there.group_send_many([("room", {"type": "x", "n": 1})])

    assert (await asyncio.wait_for(waiting, 3))["n"] == 1
    await here.flush()
    await there.flush()


async def test_a_plain_channel_in_a_group_gets_each_event_once(private_redis):
    """A group may hold a channel that is not a process's (channels-redis allows it): it is
    sent each event of the publish once, even when its group takes several events."""
    layer = layer_on(private_redis.url)
    await layer.group_add("room", "worker")
    await layer.group_send_many([("room", {"type": "x", "n": n}) for n in range(3)])

    got = [await asyncio.wait_for(layer.receive("worker"), 2) for _ in range(3)]

    assert [m["n"] for m in got] == [0, 1, 2]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive("worker"), 0.5)
    await layer.flush()


async def test_a_live_process_keeps_its_members_past_the_group_expiry_a_killed_ones_go(
    private_redis,
):
    """A killed process never discards its sockets from their groups. Redis forgets a member
    older than the group expiry, and every process renews its own members, so only the dead
    process's go: until then each publish queued a bundle for a process nobody reads."""
    here, there = (
        layer_on(private_redis.url, group_expiry=2),
        layer_on(private_redis.url, group_expiry=2),
    )
    listener = await there.new_channel()
    await there.group_add("room", listener)
    dead_process = "specific.deadbeef!"
    redis = here.connection(0)
    await redis.zadd(here._group_key("room"), {dead_process + "gone": time.time()})

    await here.group_send_many([("room", {"type": "x", "n": 1})])
    assert (await receive_all(there, listener, 1))[0]["n"] == 1
    assert await redis.zcard(here.prefix + dead_process) == 1  # queued for the dead process
    await redis.delete(here.prefix + dead_process)

    await asyncio.sleep(3.2)  # past the expiry: `there` renewed its member every 0.5 s
    await here.group_send_many([("room", {"type": "x", "n": 2})])

    assert (await receive_all(there, listener, 1))[0]["n"] == 2
    assert await redis.zcard(here.prefix + dead_process) == 0
    assert await redis.zrange(here._group_key("room"), 0, -1) == [listener.encode()]
    await here.flush()
    await there.flush()


async def test_renewing_does_not_bring_back_a_member_that_left(private_redis):
    layer = layer_on(private_redis.url)
    stays, leaves = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("room", stays)
    await layer.group_add("room", leaves)
    members = list(layer._local_groups["room"])  # what a renewal that began now would send
    await layer.group_discard("room", leaves)
    layer._local_groups["room"] = dict.fromkeys(members, asyncio.get_running_loop())

    await layer.renew_members()

    assert await layer.connection(0).zrange(layer._group_key("room"), 0, -1) == [stays.encode()]
    await layer.flush()
