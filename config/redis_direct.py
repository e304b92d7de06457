"""The live path's two Redis scripts, sent on a redis-py connection of their own.

Every chat message runs two Redis scripts: the send limit's count (in the thread that stores
the message) and the publish (on the event loop). Through redis-py's client each call checks
a connection out of the pool and back, runs the health check, packs every argument through
the client's Encoder one Python call at a time and, on asyncio with a socket timeout, makes a
task for the write (`wait_for`) and a timeout for the read. On the bench machine that was
~120-150 µs of CPU per call; the same script on a redis-py `Connection` of its own, packed by
hiredis in one call and sent directly, ~35-45 µs (bench/RESULTS.md, eighth pass).

Only the per-command layer is skipped. The connection is redis-py's, made by the client's own
pool (its address, credentials, database, TLS, parser), and failures go through the
connection's own retry policy, as a command through the client would: a connection that
fails is dropped and made again. A script Redis has lost (a restart) is sent again in full.
"""

import asyncio
import os
import threading
import weakref

import hiredis
from redis.commands.core import Script
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError


def script(text: str) -> Script:
    """A Lua script and its SHA1, made once, for run_script (redis-py's Script; its own
    call goes through the client)."""
    return Script(None, text.encode())


class ThreadCommands:
    """Commands from sync code: one connection per thread (each thread its own, as the pool
    would hand out, without the checkout), closed when the thread ends. A forked process
    makes its own, as redis-py's pool does: the parent's socket is not its to use."""

    def __init__(self, client):
        self._pool = client.connection_pool
        self._local = threading.local()

    def execute(self, *args):
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._local.connection = self._pool.make_connection()
            self._local.pid = os.getpid()
        packed = [hiredis.pack_command(args)]

        def send_and_read():
            connection.send_packed_command(packed, check_health=False)  # connects if needed
            return connection.read_response()

        return connection.retry.call_with_retry(
            send_and_read, lambda error: connection.disconnect()
        )

    def run_script(self, script: Script, keys: list, args: list):
        try:
            return self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return self.execute("EVAL", script.script, len(keys), *keys, *args)


class LoopCommands:
    """Commands from one event loop's code: one connection, one command at a time.

    The connection is checked out of the loop's pool and never given back, so it closes with
    the pool (channels-redis closes a loop's pools when the loop closes or the layer flushes).
    Its socket timeout becomes one asyncio.timeout per command, not a task per write.
    """

    def __init__(self, client):
        self._pool = client.connection_pool
        self._connection = None
        self._timeout = None
        self._lock = asyncio.Lock()

    async def execute(self, *args):
        packed = hiredis.pack_command(args)
        async with self._lock:
            connection = self._connection
            if connection is None:
                connection = self._connection = await self._pool.get_connection()
                self._timeout, connection.socket_timeout = connection.socket_timeout, None

            async def send_and_read():
                try:
                    async with asyncio.timeout(self._timeout):
                        await connection.send_packed_command(packed, check_health=False)
                        return await connection.read_response()
                except TimeoutError:
                    # Cancelled mid-command, redis-py has dropped the connection already.
                    raise RedisTimeoutError("Timeout talking to Redis") from None

            return await connection.retry.call_with_retry(
                send_and_read, lambda error: connection.disconnect(nowait=True)
            )

    async def run_script(self, script: Script, keys: list, args: list):
        try:
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await self.execute("EVAL", script.script, len(keys), *keys, *args)


_thread_commands: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_loop_commands: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_made = threading.Lock()


def thread_commands(client) -> ThreadCommands:
    """The ThreadCommands of a sync redis-py client (one per client, shared by its threads)."""
    commands = _thread_commands.get(client)
    if commands is None:
        with _made:
            commands = _thread_commands.get(client)
            if commands is None:
                commands = _thread_commands[client] = ThreadCommands(client)
    return commands


def loop_commands(client, purpose: str) -> LoopCommands:
    """The LoopCommands of an asyncio redis-py client (clients are per event loop) for one
    purpose: each purpose its own connection, so that one waiting on a blocking command does
    not hold up another's."""
    by_purpose = _loop_commands.get(client)
    if by_purpose is None:
        by_purpose = _loop_commands[client] = {}
    commands = by_purpose.get(purpose)
    if commands is None:
        commands = by_purpose[purpose] = LoopCommands(client)
    return commands
