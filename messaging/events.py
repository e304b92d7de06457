"""Publishing live events: only services call these (CONVENTIONS.md, "Live events").

Every frame is serialised to JSON text once, here, and carried through the channel layer as
that text, so each socket forwards it without encoding it again.
"""

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
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        # The database is the record and clients catch up by version: a channel layer that is
        # down costs latency, never a message. Log it and carry on.
        logger.exception("could not publish %s to %s", event.get("frame"), group)


def publish_on_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _send(group, event))


def publish_now(group: str, event: dict) -> None:
    """For events that are not stored (typing): nothing to wait for."""
    _send(group, event)
