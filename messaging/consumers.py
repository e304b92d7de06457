"""The one websocket per browser tab (docs/websocket-protocol.md).

The consumer is a thin translator: it parses frames, calls services and turns their answers
and errors into frames. A bad frame gets an error frame; it never closes a good socket. A socket
lives only as long as the sign-in it was opened with (messaging/socket_sessions.py), and every
frame counts toward a limit before any work is done for it (messaging/socket_limits.py).
"""

import asyncio
import json
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import close_old_connections
from django.utils.functional import empty

from core.exceptions import (
    ApplicationError,
    Invalid,
    NotFound,
    RateLimited,
    TooLarge,
    error_frame,
)
from messaging import calls, events, presence, selectors, services
from messaging.payloads import message_payload
from messaging.services import SendResult
from messaging.services.rate_limit import take_send_token
from messaging.socket_limits import FrameBudget, budget_for
from messaging.socket_sessions import (
    CLOSE_UNAUTHENTICATED,
    SignInBoundSocket,
    session_valid_until,
)

if TYPE_CHECKING:
    from messaging.models import Conversation
    from profiles.models import User

logger = logging.getLogger(__name__)

# The largest id a bigint column holds. A larger one matches nothing, and the database drivers
# refuse to even send it (a traceback, not an answer).
MAX_ID = 2**63 - 1


def _message_send_in_thread(loop: asyncio.AbstractEventLoop, kwargs: dict[str, Any]) -> SendResult:
    # Each thread has its own connection from psycopg's pool: given back after every send
    # (close_old_connections returns it with CONN_MAX_AGE=0), as database_sync_to_async would.
    close_old_connections()
    try:
        return events.call_for_loop(loop, services.message_send, **kwargs)
    finally:
        close_old_connections()


# Sends run in a pool of threads of their own, so one send's commit and round trips overlap
# another's work instead of queuing in the process's one database thread. Called through
# run_in_executor, not database_sync_to_async: asgiref's copy of the context, its restore in
# the thread and its shield were ~4 % of the server's CPU under load (py-spy), and
# message_send needs none of them (Django's connections are thread-local). Sends to one
# conversation still run one at a time, in arrival order, so their events leave this process
# in version order (each hands its events to the loop's publisher before its turn ends).
_SEND_THREADS = ThreadPoolExecutor(thread_name_prefix="tandem-send")


async def _send_in_pool(**kwargs: Any) -> SendResult:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_SEND_THREADS, _message_send_in_thread, loop, kwargs)


def _charge_in_thread(user: "User") -> None:
    close_old_connections()
    try:
        take_send_token(user)
    finally:
        close_old_connections()


_conversation_turns: "weakref.WeakValueDictionary[int, asyncio.Lock]" = (
    weakref.WeakValueDictionary()
)


def _turn(conversation_id: int) -> asyncio.Lock:
    lock = _conversation_turns.get(conversation_id)
    if lock is None:
        lock = _conversation_turns[conversation_id] = asyncio.Lock()
    return lock


class FrameError(Invalid):
    """A frame the consumer refuses itself. What it is given besides its detail is what its
    error frame echoes, since the frame may not have been read (a service's error echoes the
    frame's ids)."""


class FrameTooLarge(FrameError, TooLarge):
    code = TooLarge.code


class FrameNotFound(FrameError, NotFound):
    code = NotFound.code


_ECHOED = ("client_id", "conversation", "message")
_SCALARS = (int, float, bool, type(None))


def _echoable(value: object) -> bool:
    # Only what a client can match on: a list, an object or a long text sent where an id
    # belongs is not sent back (it could be most of a 256 KiB frame, nested deeper than the
    # encoder goes).
    return isinstance(value, _SCALARS) or (isinstance(value, str) and len(value) <= 100)


def _echo(frame: dict[str, Any]) -> dict[str, Any]:
    return {k: frame[k] for k in _ECHOED if k in frame and _echoable(frame[k])}


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID


def _int_field(frame: dict[str, Any], name: str, *, default: int | None = None) -> int:
    """A non-negative integer field that fits a bigint; `default`, if given, when it is
    missing or null."""
    value = frame.get(name)
    if value is None and default is not None:
        return default
    if not _is_id(value):
        raise FrameError(f"'{name}' must be a non-negative integer.", **_echo(frame))
    return cast(int, value)


def _send_fields(frame: dict[str, Any]) -> None:
    """message.send's fields, the types the service takes; the service checks the rest."""
    _int_field(frame, "conversation")
    if "client_id" not in frame:
        raise FrameError("message.send needs a client_id.", **_echo(frame))
    if not isinstance(frame["client_id"], str):
        raise FrameError("client_id must be a UUID.", **_echo(frame))
    attachments = frame.get("attachments")
    if attachments is not None and not (
        isinstance(attachments, list) and all(_is_id(a) for a in attachments)
    ):
        raise FrameError("attachments must be a list of attachment ids.", **_echo(frame))


class LiveConsumer(SignInBoundSocket, AsyncWebsocketConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch first runs close_old_connections() in the database thread, for
        # every message: every frame and every live event of every socket queued behind the
        # sends in the process's one database thread (21 hops per message in a 10-member
        # room). Nothing here touches the database outside database_sync_to_async, which
        # closes stale connections itself before and after each call, so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    user: "User"  # AnonymousUser for a stranger, whose socket is closed before any frame
    user_id: int
    user_group: str
    subscriptions: set[int]
    presence_at: float
    call_ids: set[int]  # the calls this socket joined (set by the first call.join)
    budget: FrameBudget

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Channels' AuthMiddleware hands a lazy proxy it has already resolved: every attribute
        # read through it costs two more Python calls, and a send reads the sender's fields a
        # dozen times. Keep the user itself.
        wrapped = getattr(user, "_wrapped", empty)
        self.user = cast("User", user if wrapped is empty else wrapped)
        self.subscriptions = set()
        # Accept first, then close: a close before accept becomes an HTTP 403 and the browser
        # only sees 1006, never the reason.
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            self.ended = True
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = self.user.id  # read for every event: once, not through the lazy proxy
        self.user_group = events.user_group(self.user_id)
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.session_tag = events.session_tag(self.session_key) if self.session_key else ""
        self.budget = budget_for(self.user_id)
        # Join the user group before checking the sign-in again: a logout or password change
        # that commits after the handshake read the session arrives as session.end, never
        # falls in between.
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        valid_until = await database_sync_to_async(self._connect_check)()
        if valid_until is None:
            await self._end()
        else:
            self._check_session_at(valid_until)

    def _connect_check(self) -> float | None:
        valid_until = session_valid_until(self.session_key, self.user_id)
        if valid_until is not None:
            presence.presence_seen(user=self.user)
        return valid_until

    async def disconnect(self, code: int) -> None:
        self._stop_session_checks()
        if getattr(self, "user_group", None):
            await self.channel_layer.group_discard(self.user_group, self.channel_name)
            await database_sync_to_async(presence.presence_seen)(user=self.user)
        await self._leave_conversations()
        await self._leave_calls()

    async def _leave_conversations(self) -> None:
        for conversation_id in list(getattr(self, "subscriptions", ())):
            await self._leave(conversation_id)

    async def _leave_groups(self) -> None:
        await self.channel_layer.group_discard(self.user_group, self.channel_name)
        await self._leave_conversations()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.ended:
            return  # closed: frames still on their way are not handled
        # Past the session's expiry: ask again (it may have been extended) before any work.
        if time.time() >= self.valid_until and not await self._session_holds():
            return
        frame: dict[str, Any] = {}
        try:
            frame = self.parse_frame(text_data, bytes_data)
            handler = self.handlers.get(frame["type"])
            if handler is None:
                self.budget.spend()
                raise FrameError(f"Unknown frame type {frame['type'][:64]!r}.")
            if handler is not LiveConsumer.handle_message_send:
                self.budget.spend()  # sends count toward the send limit instead
            await handler(self, frame)
        except FrameError as error:
            await self.send_json(error_frame(error))
        except ApplicationError as error:
            await self.send_json(error_frame(error, **_echo(frame)))
        except Exception:
            # A bug must not take the socket down with it: log it, tell the client, go on.
            logger.exception("websocket frame failed for user %s", getattr(self.user, "id", None))
            await self.send_json(
                {"type": "error", "code": "server_error", "detail": "Something went wrong."}
                | _echo(frame)
            )

    def parse_frame(self, text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
        """The frame as a dict with a string type; a frame that is not one still counts."""
        try:
            return self._parse(text_data)
        except FrameError:
            self.budget.spend()
            raise

    @staticmethod
    def _parse(text_data: str | None) -> dict[str, Any]:
        if text_data is None:
            raise FrameError("Frames must be JSON text.")
        if len(text_data) > settings.WEBSOCKET_MAX_FRAME_BYTES or (
            # surrogatepass: a lone surrogate (no real server passes one on) is JSON's to refuse
            len(text_data.encode(errors="surrogatepass")) > settings.WEBSOCKET_MAX_FRAME_BYTES
        ):
            raise FrameTooLarge("Frames may be at most 256 KiB.")
        try:
            frame = json.loads(text_data)
        except ValueError:  # also a number of more than 4,300 digits
            raise FrameError("Frames must be JSON objects.") from None
        except RecursionError:  # arrays or objects nested past what the decoder recurses
            raise FrameError("Frames must not nest that deeply.") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise FrameError("Frames must be JSON objects with a string 'type'.")
        return frame

    async def send_json(self, payload: dict[str, Any]) -> None:
        if not self.ended:  # a handler that was under way when the sign-in ended
            await self.send(text_data=json.dumps(payload, separators=(",", ":")))

    # --- client frames ------------------------------------------------------------------------

    async def handle_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})
        # The page pings every 25 s: reuse it as the presence heartbeat, at most once a minute.
        now = time.monotonic()
        if now - getattr(self, "presence_at", 0) > 50:
            self.presence_at = now
            await database_sync_to_async(presence.presence_seen)(user=self.user)

    async def handle_subscribe(self, frame: dict[str, Any]) -> None:
        conversation_id = _int_field(frame, "conversation")
        after = _int_field(frame, "after", default=0)
        conversation = await database_sync_to_async(selectors.conversation_for)(
            user=self.user, conversation_id=conversation_id
        )
        if conversation is None:
            raise FrameNotFound(services.NOT_FOUND, conversation=conversation_id)
        # Join the group before reading the database: whatever commits in between arrives
        # twice (merged by id on the client), never zero times. Re-joining also renews the
        # group's expiry in channels-redis.
        await self.channel_layer.group_add(
            events.conversation_group(conversation_id), self.channel_name
        )
        self.subscriptions.add(conversation_id)
        cursor, missed, has_more = await database_sync_to_async(self._catch_up)(conversation, after)
        await self.send_json(
            {
                "type": "subscribed",
                "conversation": conversation_id,
                "version": cursor,
                "missed": missed,
                "has_more": has_more,
            }
        )

    @staticmethod
    def _catch_up(
        conversation: "Conversation", after: int
    ) -> tuple[int, list[dict[str, Any]], bool]:
        cursor, messages, has_more = selectors.catch_up(
            conversation=conversation,
            after=after,
            page=settings.MESSAGE_CATCH_UP_PAGE,
            latest=settings.MESSAGE_PAGE_SIZE,
        )
        return cursor, [message_payload(m) for m in messages], has_more

    async def handle_unsubscribe(self, frame: dict[str, Any]) -> None:
        conversation_id = _int_field(frame, "conversation")
        await self._leave(conversation_id)
        await self.send_json({"type": "unsubscribed", "conversation": conversation_id})

    async def _leave(self, conversation_id: int) -> None:
        self.subscriptions.discard(conversation_id)
        await self.channel_layer.group_discard(
            events.conversation_group(conversation_id), self.channel_name
        )

    async def handle_message_send(self, frame: dict[str, Any]) -> None:
        self.budget.check_sends()
        try:
            _send_fields(frame)
            async with _turn(frame["conversation"]):
                result = await _send_in_pool(
                    conversation_id=frame["conversation"],
                    sender=self.user,
                    body=frame.get("body", ""),
                    client_id=frame["client_id"],
                    attachment_ids=frame.get("attachments") or [],
                    confirm=frame.get("confirm") is True,
                )
        except RateLimited as error:
            self.budget.sends_limited(error)
            raise
        except ApplicationError:
            await self._count_refused_send()
            raise
        if result.warning:
            await self.send_json(
                {
                    "type": "policy.warning",
                    "client_id": frame["client_id"],
                    "conversation": frame["conversation"],
                    "reasons": [reason.as_dict() for reason in result.warning],
                }
            )
            return
        payload = result.payload
        if payload is None and result.message is not None:
            # A resend: the stored message, with its relations loaded.
            payload = await database_sync_to_async(message_payload)(result.message)
        await self.send_json(
            {"type": "message.ack", "client_id": frame["client_id"], "message": payload}
        )

    async def _count_refused_send(self) -> None:
        """A refused send costs work too: it counts toward the send limit. The refusal is
        still what this frame is answered; the next send learns of the limit."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(_SEND_THREADS, _charge_in_thread, self.user)
        except RateLimited as error:
            self.budget.sends_limited(error)
        except Exception:  # the cache is down: the refusal still stands, uncounted
            logger.warning("could not count a refused send", exc_info=True)

    async def handle_message_edit(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "message")
        result = await database_sync_to_async(services.message_edit)(
            message_id=frame["message"],
            by=self.user,
            body=frame.get("body"),
            confirm=frame.get("confirm") is True,
        )
        edited = result.message  # an edit's warning names the message it is about
        if result.warning and edited is not None:
            await self.send_json(
                {
                    "type": "policy.warning",
                    "message": frame["message"],
                    "conversation": edited.conversation_id,
                    "reasons": [reason.as_dict() for reason in result.warning],
                }
            )

    async def handle_message_delete(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "message")
        await database_sync_to_async(services.message_delete)(
            message_id=frame["message"], by=self.user
        )

    async def handle_typing(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "conversation")
        await database_sync_to_async(services.typing_notify)(
            conversation_id=frame["conversation"], user=self.user
        )

    async def handle_read(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "conversation")
        _int_field(frame, "message")
        await database_sync_to_async(services.conversation_mark_read)(
            conversation_id=frame["conversation"], user=self.user, message_id=frame["message"]
        )

    # --- calls (messaging/calls.py holds the rules) -----------------------------------------------

    async def handle_call_join(self, frame: dict[str, Any]) -> None:
        cid = _int_field(frame, "conversation")
        reply = await calls.call_join(
            user=self.user,
            conversation_id=cid,
            channel_name=self.channel_name,
            layer=self.channel_layer,
        )
        self.call_ids = getattr(self, "call_ids", set()) | {cid}
        await self.send_json(reply)

    async def handle_call_signal(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "conversation")
        await calls.call_signal(user=self.user, frame=frame, channel_name=self.channel_name)

    async def handle_call_media(self, frame: dict[str, Any]) -> None:
        _int_field(frame, "conversation")
        await calls.call_media(user=self.user, frame=frame, channel_name=self.channel_name)

    async def handle_call_leave(self, frame: dict[str, Any]) -> None:
        cid = _int_field(frame, "conversation")
        self.call_ids = getattr(self, "call_ids", set()) - {cid}
        await calls.call_leave(
            user=self.user,
            conversation_id=cid,
            channel_name=self.channel_name,
            layer=self.channel_layer,
        )
        await self.send_json({"type": "call.left", "conversation": cid})

    async def _leave_calls(self) -> None:
        """A closing socket leaves the calls it was in."""
        for cid in getattr(self, "call_ids", ()):
            await calls.call_leave(
                user=self.user,
                conversation_id=cid,
                channel_name=self.channel_name,
                layer=self.channel_layer,
            )

    handlers = {
        "ping": handle_ping,
        "subscribe": handle_subscribe,
        "unsubscribe": handle_unsubscribe,
        "message.send": handle_message_send,
        "message.edit": handle_message_edit,
        "message.delete": handle_message_delete,
        "typing": handle_typing,
        "read": handle_read,
        "call.join": handle_call_join,
        "call.signal": handle_call_signal,
        "call.media": handle_call_media,
        "call.leave": handle_call_leave,
    }

    # --- events from the channel layer (messaging.events.live_event) ----------------------------

    async def live_event(self, event: events.Event) -> None:
        if self.ended:
            return
        conversation_id = event.get("conversation")
        if conversation_id is not None and conversation_id not in self.subscriptions:
            return
        if event.get("exclude_user") == self.user_id:
            return
        if event.get("frame") == "conversation.removed":
            removed = json.loads(event["text"])["conversation"]
            await self._leave(removed)
        if event.get("new_message") and event["updated"] in self.subscriptions:
            text = events.message_new_text(event, self.user_id)
        else:
            text = event.get("text") or events.conversation_updated_text(event, self.user_id)
        if text is not None:
            # Straight to the server, as self.send would after two more calls: this runs for
            # every member of a room on every message.
            # ASGI lets a text frame leave out `bytes`; asgiref's TypedDict asks for both keys.
            await self.base_send({"type": "websocket.send", "text": text})  # type: ignore[arg-type]
