"""The live path's Redis scripts on connections of their own (core/realtime/redis_direct.py),
on a private Redis: they survive a restart (the connection is made again, the script sent
again), a command that times out leaves no reply behind for the next one, and a thread's
connection goes with the thread. With REALTIME_STOCK=redis_client the same commands go
through redis-py's client, and all but the last of these hold for it too."""

import gc
import os
import threading

import pytest
import redis
import redis.asyncio

from core.realtime.redis import cache_options, channel_layer_host
from core.realtime.redis_direct import loop_commands, script, thread_commands
from tests.core.realtime import only_with_speedup

COUNT = script("return redis.call('INCRBY', KEYS[1], ARGV[1])")

pytestmark = pytest.mark.slow


def sync_client(url, **options):
    """As the cache makes it (settings.CACHES): its retry policy and timeouts."""
    return redis.Redis.from_url(url, **(cache_options() | options))


def async_client(url, **options):
    """As the channel layer makes it: its retry policy and timeouts."""
    host = channel_layer_host(url) | options
    return redis.asyncio.Redis.from_url(host.pop("address"), **host)


def test_a_thread_survives_a_restart_and_a_forgotten_script(private_redis):
    commands = thread_commands(sync_client(private_redis.url))
    assert commands.run_script(COUNT, ["n"], [2]) == 2

    private_redis.restart()  # drops the connection, and Redis forgets the script and the key

    assert commands.run_script(COUNT, ["n"], [5]) == 5
    assert commands.run_script(COUNT, ["n"], [1]) == 6


async def test_a_loop_survives_a_restart_and_a_forgotten_script(private_redis):
    client = async_client(private_redis.url)
    commands = loop_commands(client, "test")
    assert await commands.run_script(COUNT, ["n"], [2]) == 2

    private_redis.restart()

    assert await commands.run_script(COUNT, ["n"], [5]) == 5
    assert await commands.run_script(COUNT, ["n"], [1]) == 6
    await client.aclose(close_connection_pool=True)


async def test_a_timed_out_command_leaves_no_reply_for_the_next(private_redis):
    client = async_client(private_redis.url, socket_timeout=0.2)
    commands = loop_commands(client, "test")

    with pytest.raises(redis.TimeoutError):
        await commands.execute("BLPOP", "nothing", 1)  # Redis answers after 1 s, too late

    # Had the connection been kept, this would read BLPOP's late answer (nil).
    assert await commands.execute("ECHO", "after") == b"after"
    await client.aclose(close_connection_pool=True)


def test_a_timed_out_command_in_a_thread_leaves_no_reply_for_the_next(private_redis):
    commands = thread_commands(sync_client(private_redis.url, socket_timeout=0.2))

    with pytest.raises(redis.TimeoutError):
        commands.execute("BLPOP", "nothing", 1)

    assert commands.execute("ECHO", "after") == b"after"


# redis-py's pool keeps a connection for the next command after its thread ends.
@only_with_speedup("redis_client")
def test_each_thread_has_its_own_connection_and_it_goes_with_the_thread(private_redis):
    observer = redis.Redis.from_url(private_redis.url)
    commands = thread_commands(sync_client(private_redis.url))
    before = observer.info("clients")["connected_clients"]
    ready, finish = threading.Barrier(6), threading.Event()

    def work():
        commands.run_script(COUNT, ["n"], [1])
        ready.wait(timeout=5)  # all five connected at once: none shares another's connection
        finish.wait(timeout=5)

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=5)
    assert observer.info("clients")["connected_clients"] == before + 5
    assert observer.get("n") == b"5"
    finish.set()
    for thread in threads:
        thread.join()
    gc.collect()
    assert observer.info("clients")["connected_clients"] == before


def test_a_forked_process_does_not_use_its_parents_connection(private_redis):
    commands = thread_commands(sync_client(private_redis.url))
    parent_id = commands.execute("CLIENT", "ID")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report which connection it talks on, then leave at once
        try:
            os.write(write_end, str(commands.execute("CLIENT", "ID")).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    child_id = int(os.read(read_end, 64))
    os.waitpid(child, 0)

    assert child_id != parent_id
    assert commands.execute("CLIENT", "ID") == parent_id  # the parent's is still its own
