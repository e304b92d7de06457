"""Video calls: who is in a conversation's call, the signalling between them, and the record a
call leaves behind (docs/calls.md; the frames in docs/websocket-protocol.md, "Calls").

The media goes peer to peer (WebRTC); the server only relays what the two browsers need to
find each other. Who is in a call lives where every process can see it, never in one
process's memory: the sockets a person has in a call are a cache entry (Redis in production,
local memory on one process), and each such socket is in the channel-layer group
`call.<conversation>.<user>`, through which signals addressed to that person travel. An entry
lives MEMBER_TTL seconds unless its socket joins again (the call page does every 30 s), so
the sockets of a killed process drop out of the call by themselves.

The consumer calls the async functions at the bottom; each does its database and cache work
in one hop to the database thread (`_join`, `_signal`, …), which also publishes.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from core.durations import duration_text
from core.exceptions import Invalid, NotAllowed, NotFound, TooLarge
from messaging import events
from messaging.models import Conversation, Participant
from messaging.notifications import notify
from messaging.presence import PRESENCE_ONLINE_SECONDS, presence_cache_key
from messaging.services import (
    NOT_FOUND,
    is_blocked_with_any,
    message_post_system,
    message_send,
)
from messaging.services.rate_limit import take_send_token

if TYPE_CHECKING:
    from channels.layers import BaseChannelLayer

    from profiles.models import User

SIGNAL_MAX_BYTES = 64 * 1024
NOTES_MAX_LENGTH = 5_000
# A socket stays in a call this long after its last call.join (the page re-joins every 30 s).
MEMBER_TTL = 90
# A call nobody ends (every process of its members killed) is forgotten after this.
SESSION_TTL = 12 * 3600
NOT_IN_CALL = "They are not in the call."
JOIN_FIRST = "Join the call first."

# Sent inside the recording transaction when the last person leaves a call (messaging has
# already written the conversation's system line, `summary`). Arguments: conversation,
# summary, started_by (a user id), started_at, connected_at (None when nobody answered),
# ended_at, seconds (how long they talked).
call_ended = Signal()
# Sent inside the transaction that posted a person's call notes to the chat. Arguments:
# conversation, user, notes, message.
call_notes_posted = Signal()


@dataclass(frozen=True)
class CallRoom:
    """A conversation as a place to call: its members other than the caller, by id."""

    conversation_id: int
    others: dict[int, str]
    url: str


def call_group(conversation_id: int, user_id: int) -> str:
    """The sockets one person has in one call: signals to them go here."""
    return f"call.{conversation_id}.{user_id}"


def call_url(conversation: Conversation) -> str:
    """The call page: a workroom's (with its agenda) or the direct conversation's."""
    if conversation.kind == Conversation.Kind.WORKROOM and conversation.home_url:
        return conversation.home_url.rstrip("/") + "/call/"
    return reverse("messaging:call", args=[conversation.pk])


def _as_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid("'conversation' must be a non-negative integer.")
    return value


def call_room(*, user: User, conversation_id: int) -> CallRoom:
    """The rules of who may call where: a member (anyone else gets not_found, as if there were
    no such conversation), not in a dispute's thread nor a closed conversation, and nobody
    blocked on either side."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id, participants__user=user)
        .only("kind", "read_only", "home_url")
        .first()
    )
    if conversation is None:
        raise NotFound(NOT_FOUND)
    if conversation.kind == Conversation.Kind.DISPUTE:
        raise NotAllowed("Calls are not available in a dispute's thread.")
    if conversation.read_only:
        raise NotAllowed("This conversation is closed: no calls.")
    others = dict(
        Participant.objects.filter(conversation_id=conversation_id)
        .exclude(user=user)
        .values_list("user_id", "user__name")
    )
    if is_blocked_with_any(user.pk, others):
        raise NotAllowed("You can't call this person.")
    return CallRoom(conversation_id, others, call_url(conversation))


# --- Who is in a call (the shared cache) -------------------------------------------------------


def _member_key(conversation_id: int, user_id: int) -> str:
    return f"call:{conversation_id}:user:{user_id}"


def _session_key(conversation_id: int) -> str:
    return f"call:{conversation_id}:session"


def call_sockets(conversation_id: int, user_id: int) -> dict[str, float]:
    """The person's sockets in the call (channel name → when its membership lapses)."""
    now = time.time()
    entries = cache.get(_member_key(conversation_id, user_id)) or {}
    return {channel: until for channel, until in entries.items() if until > now}


def _store_sockets(conversation_id: int, user_id: int, sockets: dict[str, float]) -> None:
    # A read-modify-write: only one person's own sockets share the entry, and two of their
    # tabs joining in the same millisecond is the one case it could lose (the lost one is
    # back on its next re-join, within 30 s).
    key = _member_key(conversation_id, user_id)
    if sockets:
        cache.set(key, sockets, timeout=MEMBER_TTL)
    else:
        cache.delete(key)


def in_call(conversation_id: int, user_ids: list[int]) -> list[int]:
    """Which of these people have a socket in the conversation's call."""
    return [uid for uid in user_ids if call_sockets(conversation_id, uid)]


def call_in_progress(*, conversation: Conversation) -> bool:
    """For a page's header ("in call"): someone of the conversation is in its call now."""
    members = list(conversation.participants.values_list("user_id", flat=True))
    return bool(in_call(conversation.pk, members))


def _has_open_page(user_id: int) -> bool:
    seen = cache.get(presence_cache_key(user_id))
    return seen is not None and (timezone.now() - seen).total_seconds() < PRESENCE_ONLINE_SECONDS


def _person(user_id: int, name: str) -> dict[str, Any]:
    return {"user": user_id, "name": name}


def _to_users(user_ids: list[int] | dict[int, str], frame: dict[str, Any]) -> None:
    """A frame to every socket of these people (a ring reaches every open page)."""
    event = events.live_event(frame)
    events.send_all([(events.user_group(uid), event) for uid in user_ids])


def _to_calls(conversation_id: int, user_ids: list[int], frame: dict[str, Any]) -> None:
    """A frame to these people's sockets in the call, and to no other socket of theirs."""
    event = events.live_event(frame)
    events.send_all([(call_group(conversation_id, uid), event) for uid in user_ids])


# --- The steps, each in one hop to the database thread -----------------------------------------


def _join(*, user: User, conversation_id: int, channel_name: str) -> dict[str, Any]:
    room = call_room(user=user, conversation_id=conversation_id)
    cid = room.conversation_id
    sockets = call_sockets(cid, user.pk)
    first = channel_name not in sockets
    if first:
        # Ringing someone counts like a message: a loop of joins cannot flood their pages.
        take_send_token(user)
    sockets[channel_name] = time.time() + MEMBER_TTL
    _store_sockets(cid, user.pk, sockets)
    present = in_call(cid, list(room.others))
    peers = [_person(uid, room.others[uid]) for uid in present]
    if first:
        _session_on_join(cid, user.pk, connected=bool(present))
        frame = {
            "type": "call.peer_joined",
            "conversation": cid,
            "user": _person(user.pk, user.name),
            "url": room.url,
        }
        _to_users(room.others, frame)
        for uid in room.others:
            if uid not in present and not _has_open_page(uid):
                notify(
                    user=_other(uid),
                    kind="call.ring",
                    title=f"{user.name} called you",
                    url=room.url,
                )
    return {"type": "call.joined", "conversation": cid, "peers": peers}


def _other(user_id: int) -> User:
    return get_user_model().objects.get(pk=user_id)


def _signal(*, user: User, frame: dict[str, Any], channel_name: str) -> None:
    to, data = frame.get("to"), frame.get("data")
    if isinstance(to, bool) or not isinstance(to, int) or not isinstance(data, dict):
        raise Invalid("call.signal needs 'to' (a user id) and 'data' (an object).")
    if len(json.dumps(data, separators=(",", ":")).encode()) > SIGNAL_MAX_BYTES:
        raise TooLarge("A call signal may be at most 64 KiB.")
    room = call_room(user=user, conversation_id=_as_id(frame.get("conversation")))
    cid = room.conversation_id
    if channel_name not in call_sockets(cid, user.pk):
        raise Invalid(JOIN_FIRST)
    if to not in room.others or not call_sockets(cid, to):
        raise NotFound(NOT_IN_CALL)
    relayed = {"type": "call.signal", "conversation": cid, "from": user.pk, "data": data}
    _to_calls(cid, [to], relayed)


def _media(*, user: User, frame: dict[str, Any], channel_name: str) -> None:
    state = {name: frame.get(name) for name in ("audio", "video", "screen")}
    if not all(isinstance(value, bool) for value in state.values()):
        raise Invalid("call.media needs 'audio', 'video' and 'screen' (true or false).")
    room = call_room(user=user, conversation_id=_as_id(frame.get("conversation")))
    cid = room.conversation_id
    if channel_name not in call_sockets(cid, user.pk):
        raise Invalid(JOIN_FIRST)
    relayed = {"type": "call.media", "conversation": cid, "user": user.pk, **state}
    _to_calls(cid, in_call(cid, list(room.others)), relayed)


def _leave(*, user: User, conversation_id: int, channel_name: str) -> bool:
    """Take this socket out of the call; False if it was not in it. The person leaves when
    their last socket does, and the call ends when its last person does."""
    sockets = call_sockets(conversation_id, user.pk)
    if channel_name not in sockets:
        return False
    del sockets[channel_name]
    _store_sockets(conversation_id, user.pk, sockets)
    if sockets:
        return True
    # Membership may have changed since the join (a removed member still leaves cleanly).
    others = list(
        Participant.objects.filter(conversation_id=conversation_id)
        .exclude(user=user)
        .values_list("user_id", flat=True)
    )
    frame = {"type": "call.peer_left", "conversation": conversation_id, "user": user.pk}
    _to_users(others, frame)
    if not in_call(conversation_id, others):
        _session_end(conversation_id)
    return True


# --- The call's record ------------------------------------------------------------------------


def _session_on_join(conversation_id: int, user_id: int, *, connected: bool) -> None:
    key, now = _session_key(conversation_id), timezone.now()
    if not connected:
        # The first one in: a new call (a session left by members that all vanished without
        # leaving is replaced; its record is lost with their processes).
        cache.set(
            key,
            {
                "started_by": user_id,
                "started_at": now,
                "connected_at": None,
                "id": uuid.uuid4().hex,
            },
            timeout=SESSION_TTL,
        )
        return
    session = cache.get(key)
    if session is not None and session["connected_at"] is None:
        session["connected_at"] = now
        cache.set(key, session, timeout=SESSION_TTL)


def _session_end(conversation_id: int) -> None:
    session = cache.get(_session_key(conversation_id))
    # Two processes could see the last two sockets leave at once: only the first records.
    if session is None or not cache.add(f"call:ended:{session['id']}", 1, timeout=SESSION_TTL):
        return
    cache.delete(_session_key(conversation_id))
    call_record(conversation_id=conversation_id, ended_at=timezone.now(), **session)


@transaction.atomic
def call_record(
    *,
    conversation_id: int,
    started_by: int,
    started_at: datetime,
    connected_at: datetime | None,
    ended_at: datetime,
    **_: Any,
) -> None:
    """A call that ended: a system line in its conversation, and `call_ended` for the app that
    owns the conversation (a workroom writes its activity)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return
    seconds = int((ended_at - connected_at).total_seconds()) if connected_at else 0
    if connected_at is None:
        caller = _other(started_by)
        body = f"Missed video call from {caller.name}"
    else:
        names = Participant.objects.filter(conversation=conversation).order_by("pk")
        people = " and ".join(names.values_list("user__name", flat=True))
        body = f"Video call with {people} · {duration_text(seconds)}"
    message_post_system(conversation=conversation, body=body)
    call_ended.send(
        sender=Conversation,
        conversation=conversation,
        summary=body,
        started_by=started_by,
        started_at=started_at,
        connected_at=connected_at,
        ended_at=ended_at,
        seconds=seconds,
    )


@transaction.atomic
def call_notes_post(*, user: User, conversation_id: Any, notes: str) -> None:
    """The notes a person kept during the call, posted to the conversation as their message,
    headed "Call notes" (the agenda carried into a written record)."""
    room = call_room(user=user, conversation_id=conversation_id)
    notes = (notes or "").strip() if isinstance(notes, str) else ""
    if not notes:
        raise Invalid("Write some notes first.", field="notes")
    if len(notes) > NOTES_MAX_LENGTH:
        raise TooLarge(f"Notes may be at most {NOTES_MAX_LENGTH:,} characters.", field="notes")
    result = message_send(
        conversation_id=room.conversation_id,
        sender=user,
        body=f"Call notes\n\n{notes}",
        client_id=uuid.uuid4(),
    )
    if result.message is None:  # the conduct check warned: say why, keep the notes
        reasons = " ".join(reason.text for reason in result.warning)
        raise Invalid(f"These notes were not posted: {reasons}", field="notes")
    conversation = Conversation.objects.get(pk=room.conversation_id)
    call_notes_posted.send(
        sender=Conversation,
        conversation=conversation,
        user=user,
        notes=notes,
        message=result.message,
    )


# --- What the consumer calls -------------------------------------------------------------------


async def call_join(
    *, user: User, conversation_id: Any, channel_name: str, layer: BaseChannelLayer
) -> dict[str, Any]:
    """call.join: the answer for this socket (call.joined); the others are told. Joining
    again renews the socket's membership and tells nobody."""
    cid = _as_id(conversation_id)
    # In the group before the others hear of this socket, or their first signal (an offer
    # sent as soon as call.peer_joined reaches them) could find nobody in it. The group is
    # named for this person: nothing reaches it unless they pass _join's checks.
    group = call_group(cid, user.pk)
    await layer.group_add(group, channel_name)
    try:
        return await database_sync_to_async(_join)(
            user=user, conversation_id=cid, channel_name=channel_name
        )
    except Exception:
        if channel_name not in await database_sync_to_async(call_sockets)(cid, user.pk):
            await layer.group_discard(group, channel_name)
        raise


async def call_signal(*, user: User, frame: dict[str, Any], channel_name: str) -> None:
    await database_sync_to_async(_signal)(user=user, frame=frame, channel_name=channel_name)


async def call_media(*, user: User, frame: dict[str, Any], channel_name: str) -> None:
    await database_sync_to_async(_media)(user=user, frame=frame, channel_name=channel_name)


async def call_leave(
    *, user: User, conversation_id: int, channel_name: str, layer: BaseChannelLayer
) -> bool:
    await layer.group_discard(call_group(conversation_id, user.pk), channel_name)
    return await database_sync_to_async(_leave)(
        user=user, conversation_id=conversation_id, channel_name=channel_name
    )
