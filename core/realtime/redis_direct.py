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

REALTIME_STOCK=redis_client sends the same commands through the redis-py client itself
(`evalsha`, then `eval` if Redis has lost the script): ClientCommands, AsyncClientCommands.
"""

import asyncio
import os
import threading
import weakref
from typing import Any, TypeVar

import hiredis
import redis
import redis.asyncio
from redis.asyncio.connection import AbstractConnection
from redis.commands.core import Script
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.realtime.switches import is_stock

Pool = TypeVar("Pool", redis.ConnectionPool, redis.asyncio.ConnectionPool)


def script(text: str) -> Script:
    """A Lua script and its SHA1, made once, for run_script (redis-py's Script; its own
    call goes through the client)."""
    # No client: a script given as bytes needs none for its SHA, and run_script names the
    # connection each call. redis-py's types ask for the client it would register.
    return Script(None, text.encode())  # type: ignore[arg-type]


class ThreadCommands:
    """Commands from sync code: one connection per thread (each thread its own, as the pool
    would hand out, without the checkout), closed when the thread ends. A forked process
    makes its own, as redis-py's pool does: the parent's socket is not its to use."""

    def __init__(self, pool: redis.ConnectionPool) -> None:
        # Weakly: these commands are kept for as long as their pool lives (thread_commands).
        self._pool = weakref.ref(pool)
        self._local = threading.local()

    def execute(self, *args: Any) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._local.connection = _alive(self._pool).make_connection()
            self._local.pid = os.getpid()
        packed = [hiredis.pack_command(args)]

        def send_and_read() -> Any:
            connection.send_packed_command(packed, check_health=False)  # connects if needed
            return connection.read_response()

        # redis-py types make_connection() as its ConnectionInterface, which leaves out the
        # `retry` every connection it makes has.
        return connection.retry.call_with_retry(  # type: ignore[union-attr]
            send_and_read, lambda error: connection.disconnect()
        )

    def run_script(self, script: Script, keys: list[Any], args: list[Any]) -> Any:
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

    def __init__(self, pool: redis.asyncio.ConnectionPool) -> None:
        self._pool = weakref.ref(pool)  # as ThreadCommands
        self._connection: AbstractConnection | None = None
        self._timeout: float | None = None
        self._lock = asyncio.Lock()

    async def execute(self, *args: Any) -> Any:
        packed = hiredis.pack_command(args)
        async with self._lock:
            if self._connection is None:
                self._connection = await _alive(self._pool).get_connection()
                self._timeout = self._connection.socket_timeout
                self._connection.socket_timeout = None
            connection = self._connection

            async def send_and_read() -> Any:
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

    async def run_script(self, script: Script, keys: list[Any], args: list[Any]) -> Any:
        try:
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await self.execute("EVAL", script.script, len(keys), *keys, *args)


class ClientCommands:
    """The same commands through a sync redis-py client (REALTIME_STOCK=redis_client)."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def execute(self, *args: Any) -> Any:
        return self._client.execute_command(*args)

    def run_script(self, script: Script, keys: list[Any], args: list[Any]) -> Any:
        try:
            return self._client.evalsha(script.sha, len(keys), *keys, *args)
        except NoScriptError:
            # redis-py types a script's text as str only; it sends bytes (ours) as they are.
            text = script.script
            return self._client.eval(text, len(keys), *keys, *args)  # type: ignore[arg-type]


class AsyncClientCommands:
    """The same commands through an asyncio redis-py client (REALTIME_STOCK=redis_client):
    each command takes a connection from the client's pool, so a blocking one holds up no
    other."""

    def __init__(self, client: redis.asyncio.Redis) -> None:
        self._client = client

    async def execute(self, *args: Any) -> Any:
        return await self._client.execute_command(*args)

    async def run_script(self, script: Script, keys: list[Any], args: list[Any]) -> Any:
        try:
            return await self._client.evalsha(script.sha, len(keys), *keys, *args)
        except NoScriptError:
            # As ClientCommands.run_script: bytes are sent as they are.
            text = script.script
            return await self._client.eval(text, len(keys), *keys, *args)  # type: ignore[arg-type]


# Keyed by the client's pool, which outlives the client: Django's stock RedisCache makes a new
# client for every call, over the same pool.
_thread_commands: weakref.WeakKeyDictionary[redis.ConnectionPool, ThreadCommands] = (
    weakref.WeakKeyDictionary()
)
_loop_commands: weakref.WeakKeyDictionary[redis.asyncio.ConnectionPool, dict[str, LoopCommands]] = (
    weakref.WeakKeyDictionary()
)
_made = threading.Lock()


def _alive(pool: weakref.ref[Pool]) -> Pool:
    """The pool of commands in use: they are kept only while their pool lives."""
    found = pool()
    if found is None:
        raise RuntimeError("These Redis commands outlived their connection pool.")
    return found


def thread_commands(client: redis.Redis) -> ThreadCommands | ClientCommands:
    """The ThreadCommands of a sync redis-py client's pool (one per pool, shared by its
    threads), or the client itself with REALTIME_STOCK=redis_client."""
    if is_stock("redis_client"):
        return ClientCommands(client)
    pool = client.connection_pool
    commands = _thread_commands.get(pool)
    if commands is None:
        with _made:
            commands = _thread_commands.get(pool)
            if commands is None:
                commands = _thread_commands[pool] = ThreadCommands(pool)
    return commands


def loop_commands(client: redis.asyncio.Redis, purpose: str) -> LoopCommands | AsyncClientCommands:
    """The LoopCommands of an asyncio redis-py client's pool (pools are per event loop) for one
    purpose: each purpose its own connection, so that one waiting on a blocking command does
    not hold up another's. With REALTIME_STOCK=redis_client, the client itself."""
    if is_stock("redis_client"):
        return AsyncClientCommands(client)
    pool = client.connection_pool
    by_purpose = _loop_commands.get(pool)
    if by_purpose is None:
        by_purpose = _loop_commands[pool] = {}
    commands = by_purpose.get(purpose)
    if commands is None:
        commands = by_purpose[purpose] = LoopCommands(pool)
    return commands
