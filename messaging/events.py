"""Publishing live events: only services call these (CONVENTIONS.md, "Live events").

Every frame is serialised to JSON text once, here, and carried through the channel layer as
that text, so each socket forwards it without encoding it again.
"""

import asyncio
import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def live_event(frame: dict, *, conversation: int | None = None, exclude_user: int | None = None):
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


def _send(group: str, event: dict) -> None:
    send_all([(group, event)])


def send_all(pairs: list[tuple[str, dict]]) -> None:
    """Send events to groups concurrently, in one hop to the event loop.

    The database is the record and clients catch up by version: a channel layer that is down
    costs latency, never a message. Failures are logged, never raised.
    """
    if not pairs:
        return

    async def send_concurrently():
        layer = get_channel_layer()
        results = await asyncio.gather(
            *(layer.group_send(group, event) for group, event in pairs), return_exceptions=True
        )
        for (group, event), result in zip(pairs, results, strict=True):
            if isinstance(result, BaseException):
                logger.error(
                    "could not publish %s to %s", event.get("frame"), group, exc_info=result
                )

    try:
        async_to_sync(send_concurrently)()
    except Exception:
        logger.exception("could not publish %d events", len(pairs))


def publish_on_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _send(group, event))


def publish_now(group: str, event: dict) -> None:
    """For events that are not stored (typing): nothing to wait for."""
    _send(group, event)
