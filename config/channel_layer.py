"""channels-redis, with the events of many group sends carried to each process in one bundle.

Stock `RedisChannelLayer.group_send` costs four Redis round trips per group (expire old
members, list them, expire old messages, the Lua script that queues), and each receiving
process pops what was queued one message at a time (four more round trips each). One chat
message is 1 + N events (the message to its conversation, an unread count to each member's
own group), so a send cost about 4 × (1 + N) round trips to publish and as many to receive.

`group_send_many(pairs)` publishes any number of (group, event) pairs in two round trips per
Redis connection: one pipeline lists every group's members, one queues a single bundle per
receiving process, carrying each event with the channels it is for. A receiving process pops
the bundle once and hands each event to its channels' buffers, in order. Capacity, expiry,
group expiry and the retrying connections (config/redis.py) work as before; a process whose
queue is full drops whole bundles, and its sockets catch up by version (ARCHITECTURE.md).
"""

import asyncio
import logging
import time

from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

BUNDLE = "__tandem_bundle__"

# Queue one message per key unless the key is over capacity (the stock group_send script).
QUEUE_LUA = """
local over_capacity = 0
local current_time = ARGV[#ARGV - 1]
local expiry = ARGV[#ARGV]
for i=1,#KEYS do
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
        redis.call('ZADD', KEYS[i], current_time, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


# Put back what a reader popped but never filed (the stock cleanup script, keys instead of args).
RESTORE_LUA = """
local backed_up = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = #backed_up, 1, -2 do
    redis.call('ZADD', KEYS[1], backed_up[i], backed_up[i - 1])
end
redis.call('DEL', KEYS[2])
"""

# The batch popped last time is filed: forget it; pop up to ARGV[1] messages and keep them in
# the in-flight backup until they are filed.
POP_LUA = """
redis.call('DEL', KEYS[2])
local popped = redis.call('ZPOPMIN', KEYS[1], ARGV[1])
for i = 1, #popped, 2 do
    redis.call('ZADD', KEYS[2], popped[i + 1], popped[i])
end
return popped
"""
POP_BATCH = 64

# Drop each group's members older than the group expiry and list the rest (ARGV[1]: the oldest
# join time still alive), for any number of groups.
MEMBERS_LUA = """
local found = {}
for i=1,#KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, ARGV[1])
    found[i] = redis.call('ZRANGE', KEYS[i], 0, -1)
end
return found
"""


class BundlingRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._receiving: set[str] = set()  # channels whose consumer reads (told of failures)
        self._waiting = 0  # receive() calls waiting now: the reader runs while there are any
        self._reader: asyncio.Task | None = None
        self._reader_loop = None

    async def group_send(self, group, message):
        await self.group_send_many([(group, message)])

    async def group_send_many(self, pairs):
        """Send each (group, message) pair; events for one process travel as one bundle."""
        groups = list(dict.fromkeys(group for group, _ in pairs))
        for group in groups:
            assert self.require_valid_group_name(group), "Group name not valid"
        members = await self._group_members(groups)

        # channel key -> ordered [(channels, message)]; plain (non-process) channels apart.
        bundles: dict[str, list] = {}
        capacities: dict[str, int] = {}
        plain: dict[str, list] = {}
        for group, message in pairs:
            per_key: dict[str, list] = {}
            for channel in members[group]:
                if "!" in channel:
                    key = self.prefix + self.non_local_name(channel)
                    per_key.setdefault(key, []).append(channel)
                    capacities.setdefault(key, self.get_capacity(channel))
                else:
                    key = self.prefix + channel
                    plain.setdefault(key, []).append({**message, "__asgi_channel__": [channel]})
                    capacities.setdefault(key, self.get_capacity(channel))
            for key, channels in per_key.items():
                entries = bundles.setdefault(key, [])
                if entries and entries[-1][1] is message:
                    # The same event to the next group (one event for many people's own
                    # groups): one entry, serialised once.
                    entries[-1][0].extend(channels)
                else:
                    entries.append([channels, message])

        queued: dict[int, list[tuple[bytes | str, bytes]]] = {}
        for key, entries in bundles.items():
            index = self.consistent_hash(key[len(self.prefix) :])
            queued.setdefault(index, []).append((key, self.serialize({BUNDLE: entries})))
        for key, messages in plain.items():
            index = self.consistent_hash(key[len(self.prefix) :])
            for message in messages:
                queued.setdefault(index, []).append((key, self.serialize(message)))
        if queued:
            await asyncio.gather(
                *(self._queue(index, items, capacities) for index, items in queued.items())
            )

    async def _group_members(self, groups):
        """Every group's live members: one script call per connection, which expires stale
        members and lists the rest (a pipeline of two commands per group cost more CPU here,
        in redis-py's packing and parsing, than Redis took to run it)."""
        by_index: dict[int, list] = {}
        for group in groups:
            by_index.setdefault(self.consistent_hash(group), []).append(group)
        oldest = int(time.time()) - self.group_expiry

        async def on(index, names):
            script = self.connection(index).register_script(MEMBERS_LUA)
            results = await script(keys=[self._group_key(g) for g in names], args=[oldest])
            return {
                group: [member.decode("utf8") for member in results[n]]
                for n, group in enumerate(names)
            }

        members = {}
        for found in await asyncio.gather(*(on(i, names) for i, names in by_index.items())):
            members.update(found)
        return members

    async def _queue(self, index, items, capacities):
        """Expire old messages and queue the new ones, in one pipeline (one round trip)."""
        pipe = self.connection(index).pipeline(transaction=False)
        oldest = int(time.time()) - int(self.expiry)
        keys = list(dict.fromkeys(key for key, _ in items))
        for key in keys:
            pipe.zremrangebyscore(key, min=0, max=oldest)
        # A key may take several messages (plain channels); one script call per message keeps
        # the script's one-message-per-key shape.
        for key, payload in items:
            pipe.eval(QUEUE_LUA, 1, key, payload, capacities[key], time.time(), self.expiry)
        results = await pipe.execute()
        over = sum(results[len(keys) :])
        if over:
            logger.info("%s of %s queued events were over capacity and dropped", over, len(items))

    # --- receiving: one reader per process, not a lock dance per message per socket ----------

    async def receive(self, channel):
        """The next event for one of this process's channels.

        Stock channels-redis makes every waiting consumer race for a receive lock on every
        message (two tasks created, awaited and cancelled per consumer per message: the largest
        cost of delivering a frame in a 10-member room). Here one reader task per process pops
        bundles and files them into the channels' buffers, in order, and a consumer only waits
        on its own buffer. The buffers are the stock bounded queues (beyond `capacity` the
        oldest event is dropped, and the socket catches up by version). If Redis fails, every
        waiting consumer gets the error, as the lock holder did before: the server closes the
        socket and the page reconnects and catches up.
        """
        if "!" not in channel:
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel), "Channel name invalid"
        real_channel = self.non_local_name(channel)
        assert real_channel.endswith(self.client_prefix + "!"), "Wrong client prefix"
        self._receiving.add(channel)
        self._waiting += 1
        try:
            self._ensure_reader(real_channel)
            event = await self.receive_buffer[channel].get()
        except asyncio.CancelledError:
            # The consumer is done (its receive is only cancelled when it ends).
            self._receiving.discard(channel)
            self.receive_buffer.pop(channel, None)
            raise
        finally:
            self._waiting -= 1
        if isinstance(event, _ReaderFailed):
            self._receiving.discard(channel)
            self.receive_buffer.pop(channel, None)
            raise event.error
        if self.receive_buffer[channel].empty():
            del self.receive_buffer[channel]
        return event

    def _ensure_reader(self, real_channel) -> None:
        loop = asyncio.get_running_loop()
        reader = self._reader
        if reader is not None and not reader.done() and self._reader_loop is loop:
            return
        self._reader_loop = loop
        self._reader = loop.create_task(self._read(real_channel))

    async def _read(self, real_channel) -> None:
        """Pop and file events while any consumer of this process is waiting for one.

        Under load this is one round trip per batch of bundles (POP_LUA: forget the batch
        just filed, take what is queued, keep it in the in-flight backup until filed); only an
        empty queue falls back to a blocking pop. Stock receive_single made four round trips
        per message (restore the backup, pop, back up, clean the backup). Whatever a cancelled
        reader had popped but not filed is in the backup, and the next reader puts it back
        first, as the stock code does.
        """
        key = self.prefix + real_channel
        backup = self._backup_channel_name(key)
        connection = self.connection(self.consistent_hash(real_channel))
        try:
            await connection.eval(RESTORE_LUA, 2, key, backup)
            pop = connection.register_script(POP_LUA)
            while True:
                while self._waiting:
                    popped = await pop(keys=[key, backup], args=[POP_BATCH])
                    if not popped:
                        found = await connection.bzpopmin(key, timeout=self.brpop_timeout)
                        if found is None:
                            continue
                        _, member, score = found
                        await connection.zadd(backup, {member: float(score)})
                        popped = [member, score]
                    # Nothing awaits from here to the next pop: events are filed in order.
                    for member in popped[::2]:
                        self._file(self.deserialize(member))
                    # Let the consumers just woken take their events before looking again.
                    await asyncio.sleep(0)
                # Nobody is waiting: what was filed is done with; stop, unless somebody
                # started waiting meanwhile (they found this reader still running).
                await connection.delete(backup)
                if not self._waiting:
                    return
        except Exception as error:  # Redis went away: wake every consumer with the error
            logger.warning("channel layer receive failed: %r", error)
            for name in list(self._receiving):
                self.receive_buffer[name].put_nowait(_ReaderFailed(error))

    def _file(self, message) -> None:
        entries = message.get(BUNDLE) if isinstance(message, dict) else None
        if entries is None:  # a plain message (send() to one channel, stock group_send)
            channels = message.pop("__asgi_channel__")
            entries = [[channels if isinstance(channels, list) else [channels], message]]
        for channels, event in entries:
            for name in channels:
                self.receive_buffer[name].put_nowait(event)

    async def flush(self):
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
        self._reader = None
        self._receiving.clear()
        await super().flush()


class _ReaderFailed:
    def __init__(self, error):
        self.error = error
