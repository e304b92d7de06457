"""Publishing live events: only services call these (docs/conventions.md, "Live events").

Every frame is serialised to JSON text once, here, and carried through the channel layer as
that text, so each socket forwards it without encoding it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)

# A channel-layer message (what LiveConsumer.live_event receives), and the frame it carries.
Event = dict[str, Any]
Frame = dict[str, Any]
Result = TypeVar("Result")


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def live_event(
    frame: Frame, *, conversation: int | None = None, exclude_user: int | None = None
) -> Event:
    """The channel-layer message that LiveConsumer.live_event forwards to its socket.

    `conversation` limits delivery to sockets subscribed to it; `exclude_user` skips that
    user's sockets (typing and read receipts go to the others only).
    """
    return {
        "type": "live.event",
        "frame": frame["type"],
        "text": json.dumps(frame, cls=DjangoJSONEncoder, separators=(",", ":")),
        "conversation": conversation,
        "exclude_user": exclude_user,
    }


def conversation_updated_event(
    conversation_id: int, last: Frame | None, unread: dict[int, int]
) -> Event:
    """conversation.updated for many people at once: each member's unread count and the
    conversation's last message, for inboxes, badges and the tab title.

    Every member's frame differs only in its count, so the event carries the rest once and
    LiveConsumer writes each socket's frame from it (conversation_updated_text): in a room of
    200 a send made one JSON text and one channel-layer entry, not 200 of each.
    """
    return {
        "type": "live.event",
        "frame": "conversation.updated",
        "conversation": None,
        "exclude_user": None,
        "updated": conversation_id,
        "unread": {str(user_id): count for user_id, count in unread.items()},
        "last_json": json.dumps(last, cls=DjangoJSONEncoder, separators=(",", ":")),
    }


def conversation_updated_text(event: Event, user_id: int) -> str | None:
    """The frame of conversation_updated_event for one person (None if they are not in it):
    exactly what live_event would have serialised for them alone."""
    count = event["unread"].get(str(user_id))
    if count is None:
        return None
    return (
        f'{{"type":"conversation.updated","conversation":{int(event["updated"])},'
        f'"unread":{int(count)},"last_message":{event["last_json"]}}}'
    )


def message_new_event(conversation_id: int, message: Frame, unread: dict[int, int]) -> Event:
    """A new message, for every member's own group: one event, not message.new to the
    conversation's subscribers and conversation.updated to every member.

    Every socket that subscribed to a conversation belongs to one of its members, and each
    socket is in exactly one user group, so each gets this once: a subscribed socket writes
    message.new carrying its person's unread count (message_new_text), any other socket
    writes conversation.updated (conversation_updated_text). Two frames per member per
    message became one (docs/adr/0107-one-event-per-new-message.md; the protocol in
    docs/websocket-protocol.md).
    """
    event = conversation_updated_event(conversation_id, message, unread)
    event["frame"] = "message.new"  # what it mostly becomes; logs name it by this
    event["new_message"] = True
    return event


def message_new_text(event: Event, user_id: int) -> str | None:
    """The message.new frame of message_new_event for a socket subscribed to the conversation:
    exactly what json.dumps would make of it for this person alone."""
    count = event["unread"].get(str(user_id))
    if count is None:
        return None
    return (
        f'{{"type":"message.new","conversation":{int(event["updated"])},'
        f'"message":{event["last_json"]},"unread":{int(count)}}}'
    )


def _send(group: str, event: Event) -> None:
    send_all([(group, event)])


def send_all(pairs: list[tuple[str, Event]]) -> None:
    """Send events to groups, in one hop to the event loop.

    The database is the record and clients catch up by version: a channel layer that is down
    costs latency, never a message. Failures are logged, never raised.

    Called from a thread that sync_to_async runs for a server's event loop (a consumer's
    database_sync_to_async, an ASGI view), the events are handed to that loop's publisher and
    this returns at once: the one database thread of the process (thread-sensitive) goes on
    to the next send instead of waiting for Redis. The publisher sends in the order it was
    given, whatever has queued up in one batch. Anywhere else (a management command, a Celery
    task, a sync test) the send happens here and this returns when it is done.
    """
    if not pairs:
        return
    loop = _server_loop()
    if loop is not None:
        try:
            loop.call_soon_threadsafe(_publisher(loop).put, pairs)
            return
        except RuntimeError:  # the loop closed under us: send from here instead
            pass
    try:
        async_to_sync(_send_batch)(pairs)
    except Exception:
        logger.exception("could not publish %d events", len(pairs))


_worker = threading.local()


def call_for_loop(
    loop: asyncio.AbstractEventLoop, function: Callable[..., Result], /, **kwargs: Any
) -> Result:
    """Call `function` in this worker thread on behalf of `loop` (a thread pool of the
    consumer's own, not sync_to_async's): what it publishes is handed to that loop."""
    _worker.loop = loop
    try:
        return function(**kwargs)
    finally:
        _worker.loop = None


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this sync thread works for (call_for_loop, or sync_to_async's), if it
    still runs."""
    try:
        asyncio.get_running_loop()
        return None  # called from async code: there is nobody to hand over to
    except RuntimeError:
        pass
    loop: asyncio.AbstractEventLoop | None = getattr(_worker, "loop", None)
    if loop is None:
        if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
            return None
        loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


class _Publisher:
    """One per event loop: sends what the database thread hands it, in order, batching what
    arrived while the previous batch was on its way."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: list[tuple[str, Event]] = []
        self.task: asyncio.Task[None] | None = None

    def put(self, pairs: list[tuple[str, Event]]) -> None:  # on the loop
        self.pending.extend(pairs)
        if self.task is None:
            self.task = self.loop.create_task(self.run())

    async def run(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                await _send_batch(batch)
        finally:
            self.task = None


_publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher] = (
    weakref.WeakKeyDictionary()
)


def _publisher(loop: asyncio.AbstractEventLoop) -> _Publisher:
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = _Publisher(loop)
    return publisher


async def _send_batch(pairs: list[tuple[str, Event]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        raise ImproperlyConfigured("Live events need a default channel layer (CHANNEL_LAYERS).")
    many = getattr(layer, "group_send_many", None)
    if many is not None:  # core.realtime.layer: one bundle per receiving process
        try:
            await many(pairs)
        except Exception:
            logger.exception("could not publish %d events", len(pairs))
        return
    # Any other layer: one event's groups at once, but each event only after the one before,
    # or two sends' events could overtake each other on their way through Redis.
    for _, same_event in itertools.groupby(pairs, key=lambda pair: id(pair[1])):
        run = list(same_event)
        results = await asyncio.gather(
            *(layer.group_send(group, event) for group, event in run), return_exceptions=True
        )
        for (group, event), result in zip(run, results, strict=True):
            if isinstance(result, BaseException):
                logger.error(
                    "could not publish %s to %s", event.get("frame"), group, exc_info=result
                )


def publish_on_commit(group: str, event: Event) -> None:
    transaction.on_commit(lambda: _send(group, event))


def publish_now(group: str, event: Event) -> None:
    """For events that are not stored (typing): nothing to wait for."""
    _send(group, event)


# --- the end of a session: its sockets close (messaging/socket_sessions.py) ----------------------


def session_tag(session_key: str) -> str:
    """How an event names a session: a digest, so the channel layer never carries the key
    that would sign someone in."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def session_end_event(session_key: str | None = None) -> Event:
    """Closes (4401) the sockets of one of the person's sessions (a logout), or of all of them
    without one (a password change, a deactivation); LiveConsumer.session_end."""
    return {"type": "session.end", "session": session_tag(session_key) if session_key else None}


def publish_session_end(user_id: int, session_key: str | None = None) -> None:
    """After commit, to every socket of the person on every server process: the user group."""
    publish_on_commit(user_group(user_id), session_end_event(session_key))
