"""channels-redis, with a chat message's events delivered once per process.

Stock `RedisChannelLayer.group_send` costs four Redis round trips per group (expire old
members, list them, expire old messages, the Lua script that queues), and each receiving
process pops what was queued one message at a time (four more round trips each). One chat
message is 1 + N events (the message to its conversation, an unread count to each member's
own group), so a send cost about 4 × (1 + N) round trips to publish and as many to receive.

Here `group_send_many(pairs)` publishes any number of (group, event) pairs:
- to this process's own sockets directly, from the process's own record of which of its
  channels joined which group: no Redis at all, the event is in their buffers before the
  call awaits anything;
- to every other process in one round trip: a script (PUBLISH_LUA) lists the groups'
  members, drops those of this process, and queues one bundle per receiving process that
  carries each event once with the channels it is for.
A receiving process has one reader that pops bundles in batches and files each event into
its channels' buffers, in order. Capacity, expiry and group expiry work as in channels-redis;
a process whose queue is full drops whole bundles (logged), and its sockets catch up by
version (docs/live-delivery.md). One Redis host: the script touches every key of a send, which a
sharded layer would spread over hosts.

REALTIME_STOCK=layer runs channels-redis's own RedisChannelLayer instead, and
REALTIME_LAYER=pubsub its RedisPubSubChannelLayer (switches.py; docs/adr/0001).
"""

import asyncio
import logging
import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

from channels_redis.core import RedisChannelLayer
from django.core.exceptions import ImproperlyConfigured

from core.realtime.redis_direct import loop_commands, script

logger = logging.getLogger(__name__)

# A channel-layer message, and a group with the message to send it.
Message = dict[str, Any]
GroupMessage = tuple[str, Message]

# A bundle is TAG + entries; each entry is two netstrings (`<length>:<bytes>`): the channels
# (comma-separated) and the serialised event. TAG is 12 random bytes (members of a sorted set
# must differ) and a mark no stock channels-redis message starts with (those are msgpack maps).
BUNDLE_MARK = b"TB2"

# KEYS: the groups. ARGV: oldest live member's join time, this process's name (its channels
# are skipped; "" skips none), key prefix, capacity, now, message expiry, oldest live message
# time, the bundle tag, then per event: its payload, how many groups, their KEYS indexes.
# Returns {bundles dropped over capacity, {group index, member, ...} for plain channels}.
PUBLISH_LUA = """
local oldest_member, me, prefix = ARGV[1], ARGV[2], ARGV[3]
local capacity, now, expiry = tonumber(ARGV[4]), ARGV[5], ARGV[6]
local oldest_message, tag = ARGV[7], ARGV[8]
local members, plain = {}, {}
for i = 1, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, oldest_member)
    members[i] = redis.call('ZRANGE', KEYS[i], 0, -1)
    for _, member in ipairs(members[i]) do
        if not string.find(member, '!', 1, true) then
            plain[#plain + 1] = i
            plain[#plain + 1] = member
        end
    end
end
local bundles, order = {}, {}
local pos = 9
while pos <= #ARGV do
    local payload, count = ARGV[pos], tonumber(ARGV[pos + 1])
    local channels, seen = {}, {}
    for j = 1, count do
        local group = tonumber(ARGV[pos + 1 + j])
        for _, member in ipairs(members[group]) do
            local bang = string.find(member, '!', 1, true)
            local process = bang and string.sub(member, 1, bang)
            if process and process ~= me then
                if not channels[process] then
                    channels[process] = {}
                    seen[#seen + 1] = process
                end
                table.insert(channels[process], member)
            end
        end
    end
    for _, process in ipairs(seen) do
        if not bundles[process] then
            bundles[process] = {tag}
            order[#order + 1] = process
        end
        local names = table.concat(channels[process], ',')
        table.insert(bundles[process], #names .. ':' .. names .. #payload .. ':' .. payload)
    end
    pos = pos + 2 + count
end
local over = 0
for _, process in ipairs(order) do
    local key = prefix .. process
    redis.call('ZREMRANGEBYSCORE', key, 0, oldest_message)
    if redis.call('ZCARD', key) < capacity then
        redis.call('ZADD', key, now, table.concat(bundles[process]))
        redis.call('EXPIRE', key, expiry)
    else
        over = over + 1
    end
end
return {over, plain}
"""
PUBLISH_SCRIPT = script(PUBLISH_LUA)


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
POP_SCRIPT = script(POP_LUA)
POP_BATCH = 64


class BundlingRedisChannelLayer(RedisChannelLayer):
    # The reader's blocking pop asks Redis to answer within this many seconds, and within half
    # the connection's socket timeout (redis-py's default is 5 s, as was channels-redis's pop):
    # with the two equal, an idle reader's read timed out whenever the loop was a little
    # late, and every socket of the process was closed.
    brpop_timeout = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.ring_size != 1:
            raise ImproperlyConfigured("BundlingRedisChannelLayer needs exactly one Redis host.")
        self._receiving: set[str] = set()  # channels whose consumer reads (told of failures)
        self._waiting = 0  # receive() calls waiting now: the reader runs while there are any
        self._reader: asyncio.Task | None = None
        self._reader_loop: asyncio.AbstractEventLoop | None = None
        # This process's channels in each group, with the event loop that added them (their
        # consumer's), and each channel's groups, to forget them when the consumer ends.
        self._local_groups: dict[str, dict[str, asyncio.AbstractEventLoop]] = {}
        self._channel_groups: dict[str, set[str]] = {}
        self._process_name = f"specific.{self.client_prefix}!"
        self._dropped: dict[str, int] = {}
        self._renew_timer: asyncio.TimerHandle | None = None
        self._renew_loop: asyncio.AbstractEventLoop | None = None
        self._renewing: asyncio.Task | None = None

    # --- groups: Redis for the other processes, and this process's own record --------------

    def _is_local(self, channel: str) -> bool:
        process: str = self.non_local_name(channel)
        return process == self._process_name

    async def group_add(self, group: str, channel: str) -> None:
        if not self._is_local(channel):
            await super().group_add(group, channel)
            return
        # Recorded before Redis has it: a publish from this process while the join is on its
        # way would otherwise find the member in Redis, skip it as this process's own, and
        # not find it here either.
        members = self._local_groups.setdefault(group, {})
        joining = channel not in members
        members[channel] = asyncio.get_running_loop()
        self._channel_groups.setdefault(channel, set()).add(group)
        try:
            await super().group_add(group, channel)
        except BaseException:
            if joining:
                self._forget(group, channel)
            raise
        self._ensure_renewer()

    async def group_discard(self, group: str, channel: str) -> None:
        self._forget(group, channel)
        await super().group_discard(group, channel)

    def _forget(self, group: str, channel: str) -> None:
        members = self._local_groups.get(group)
        if members is not None:
            members.pop(channel, None)
            if not members:
                del self._local_groups[group]
        groups = self._channel_groups.get(channel)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self._channel_groups[channel]

    def _forget_channel(self, channel: str) -> None:
        for group in list(self._channel_groups.get(channel, ())):
            self._forget(group, channel)

    # --- renewing: a member of a killed process goes within group_expiry, a live one stays ---

    # Redis forgets a group member older than group_expiry (its score is when it joined):
    # stock channels-redis relies on the consumer's discard, which a killed process never
    # sends, so its members stayed for the expiry (a day by default), every publish listed
    # them and queued a bundle for a process that was gone. Here each process renews its own
    # sockets' memberships several times per expiry, so the expiry can be short (settings:
    # 5 minutes) without dropping a socket that lives longer.
    RENEWALS_PER_EXPIRY = 4
    RENEW_BATCH = 500

    def _ensure_renewer(self) -> None:
        # A timer, not a sleeping task: a loop that closes (a test's) drops it silently.
        loop = asyncio.get_running_loop()
        if self._renew_timer is None or self._renew_loop is not loop:
            self._renew_loop = loop
            self._renew_timer = loop.call_later(self._renew_interval(), self._renew_due)

    def _renew_interval(self) -> float:
        group_expiry: int = self.group_expiry
        return group_expiry / self.RENEWALS_PER_EXPIRY

    def _renew_due(self) -> None:
        self._renew_timer = None
        loop = self._renew_loop  # set before the first timer, never unset
        if loop is None or not self._local_groups:
            return  # the next group_add starts it again
        self._renewing = loop.create_task(self._renew_logged())
        self._renew_timer = loop.call_later(self._renew_interval(), self._renew_due)

    async def _renew_logged(self) -> None:
        try:
            await self.renew_members()
        except Exception as error:  # Redis away: the next round tries again
            logger.warning("channel layer could not renew its group members: %r", error)

    async def renew_members(self) -> None:
        """Mark this process's members of every group as seen now.

        XX: only members Redis still has. A socket that left meanwhile is not put back, and
        one that Redis lost (a restart) is not either: its reader failed, which closed the
        socket, and the page's new socket joins again.
        """
        now = time.time()
        memberships = [(group, list(channels)) for group, channels in self._local_groups.items()]
        connection = self.connection(0)
        for start in range(0, len(memberships), self.RENEW_BATCH):
            async with connection.pipeline(transaction=False) as pipeline:
                for group, channels in memberships[start : start + self.RENEW_BATCH]:
                    key = self._group_key(group)
                    pipeline.zadd(key, dict.fromkeys(channels, now), xx=True)
                    pipeline.expire(key, self.group_expiry)
                await pipeline.execute()

    # --- sending ------------------------------------------------------------------------------

    async def group_send(self, group: str, message: Message) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, pairs: Sequence[GroupMessage]) -> None:
        """Send each (group, message) pair: this process's members get it at once, from
        here; every other process in one round trip, one bundle each."""
        groups = list(dict.fromkeys(group for group, _ in pairs))
        for group in groups:
            assert self.require_valid_group_name(group), "Group name not valid"
        local = self._local_deliveries(pairs)
        if local is not None:
            # The same event object to every local channel, not a copy each (as Redis gave
            # them): consumers only read events (LiveConsumer.live_event).
            for channel, message in local:
                self._put(channel, message)

        # Consecutive pairs with the same event (one event for many people's own groups)
        # travel as one entry, serialised once.
        number = {group: n for n, group in enumerate(groups, start=1)}
        events: list[list] = []
        for group, message in pairs:
            if events and events[-1][0] is message:
                events[-1][1].append(number[group])
            else:
                events.append([message, [number[group]]])
        now = time.time()
        args = [
            int(now) - self.group_expiry,
            # With every local member served above, Redis skips this process; otherwise
            # (a publish from another event loop: a sync caller, a test) it queues for it too.
            self._process_name if local is not None else "",
            self.prefix,
            self.get_capacity(self._process_name),
            now,
            int(self.expiry),
            int(now) - int(self.expiry),
            os.urandom(12) + BUNDLE_MARK,
        ]
        for message, numbers in events:
            args += [self.serialize(message), len(numbers), *numbers]
        # On a connection of its own, not through the client: ~100 µs less CPU per publish.
        over, plain = await loop_commands(self.connection(0), "publish").run_script(
            PUBLISH_SCRIPT, [self._group_key(group) for group in groups], args
        )
        if over:
            logger.info("%s bundles of events were over capacity and dropped", over)
        for n in range(0, len(plain), 2):  # channels that are not a process's: stock sends
            group, channel = groups[int(plain[n]) - 1], plain[n + 1].decode()
            for sent_group, message in pairs:
                if sent_group == group:
                    await self.send(channel, message)

    def _local_deliveries(self, pairs: Iterable[GroupMessage]) -> list[tuple[str, Message]] | None:
        """[(channel, message)] for this process's members, or None when one of them belongs
        to another event loop than this one (then Redis carries theirs, like anybody's)."""
        loop = asyncio.get_running_loop()
        deliveries: list[tuple[str, Message]] = []
        for group, message in pairs:
            for channel, channel_loop in self._local_groups.get(group, {}).items():
                if channel_loop is not loop:
                    return None
                deliveries.append((channel, message))
        return deliveries

    def _put(self, channel: str, message: Message) -> None:
        buffer = self.receive_buffer[channel]
        if buffer.full():  # the stock buffer drops its oldest event; say so, now and then
            dropped = self._dropped[channel] = self._dropped.get(channel, 0) + 1
            if dropped % 100 == 1:
                logger.warning(
                    "channel %s is not reading: %s events dropped at capacity %s",
                    channel,
                    dropped,
                    buffer.maxsize,
                )
        buffer.put_nowait(message)

    # --- receiving: one reader per process, not a lock dance per message per socket ----------

    async def receive(self, channel: str) -> Message:
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
        if channel not in self._receiving:  # checked once per channel, not per event
            if "!" not in channel:
                message: Message = await super().receive(channel)
                return message
            assert self.require_valid_channel_name(channel), "Channel name invalid"
            assert self._is_local(channel), "Wrong client prefix"
            self._receiving.add(channel)
        self._waiting += 1
        try:
            self._ensure_reader()
            event: Message | _ReaderFailed = await self.receive_buffer[channel].get()
        except asyncio.CancelledError:
            # The consumer is done (its receive is only cancelled when it ends).
            self._channel_ended(channel)
            raise
        finally:
            self._waiting -= 1
        if isinstance(event, _ReaderFailed):
            self._channel_ended(channel)
            raise event.error
        # The buffer stays while its consumer reads (stock channels-redis deleted it whenever
        # it was empty, and the consumer's next receive made a new asyncio.Queue: one queue made
        # per event delivered, ~4 % of the server's CPU in a 200-member room). It goes when the
        # consumer ends (_channel_ended).
        return event

    def _channel_ended(self, channel: str) -> None:
        self._receiving.discard(channel)
        self.receive_buffer.pop(channel, None)
        self._dropped.pop(channel, None)
        # Its groups in Redis expire with the group expiry if nobody discards them; here it
        # is forgotten now, so this process stops filling a buffer nobody reads.
        self._forget_channel(channel)

    def _ensure_reader(self) -> None:
        loop = asyncio.get_running_loop()
        if self._reader is None or self._reader.done() or self._reader_loop is not loop:
            self._reader_loop = loop
            self._reader = loop.create_task(self._read())

    async def _read(self) -> None:
        """Pop and file events while any consumer of this process is waiting for one.

        Under load this is one round trip per batch of bundles (POP_LUA: forget the batch
        just filed, take what is queued, keep it in the in-flight backup until filed); only an
        empty queue falls back to a blocking pop. Stock receive_single made four round trips
        per message (restore the backup, pop, back up, clean the backup). Whatever a cancelled
        reader had popped but not filed is in the backup, and the next reader puts it back
        first, as the stock code does.
        """
        key = self.prefix + self._process_name
        backup = self._backup_channel_name(key)
        connection = self.connection(0)
        # Its own connection, not the client's: ~100 µs less CPU per batch, and a blocking pop
        # does not hold up the publisher's commands.
        commands = loop_commands(connection, "reader")
        socket_timeout = connection.connection_pool.connection_kwargs.get("socket_timeout")
        block = min(self.brpop_timeout, (socket_timeout or 2 * self.brpop_timeout) / 2)
        try:
            await connection.eval(RESTORE_LUA, 2, key, backup)
            while True:
                while self._waiting:
                    popped = await commands.run_script(POP_SCRIPT, [key, backup], [POP_BATCH])
                    if not popped:
                        found = await commands.execute("BZPOPMIN", key, block)
                        if found is None:
                            continue
                        _, member, score = found
                        await commands.execute("ZADD", backup, score, member)
                        popped = [member, score]
                    # Nothing awaits from here to the next pop: events are filed in order.
                    for member in popped[::2]:
                        self._file(member)
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

    def _file(self, member: bytes) -> None:
        tag_end = 12 + len(BUNDLE_MARK)  # after the random bytes and the mark
        if member[12:tag_end] != BUNDLE_MARK:  # a stock message (send() to one channel)
            message = self.deserialize(member)
            channels = message.pop("__asgi_channel__")
            self._put_all(channels if isinstance(channels, list) else [channels], message)
            return
        position = tag_end
        while position < len(member):
            channels, position = _netstring(member, position)
            payload, position = _netstring(member, position)
            self._put_all(channels.decode().split(","), self.deserialize(payload))

    def _put_all(self, channels: list[str], message: Message) -> None:
        for channel in channels:
            self._put(channel, message)

    async def flush(self) -> None:
        for task in (self._reader, self._renewing):
            if task is not None and not task.done():
                task.cancel()
        if self._renew_timer is not None:
            self._renew_timer.cancel()
        self._reader = self._renewing = self._renew_timer = None
        self._receiving.clear()
        self._local_groups.clear()
        self._channel_groups.clear()
        self._dropped.clear()
        await super().flush()


def _netstring(data: bytes, position: int) -> tuple[bytes, int]:
    """The `<length>:<bytes>` at `position`, and where the next one starts."""
    colon = data.index(b":", position)
    end = colon + 1 + int(data[position:colon])
    return data[colon + 1 : end], end


class _ReaderFailed:
    def __init__(self, error: Exception) -> None:
        self.error = error
