"""The JSON shapes of the websocket protocol (docs/websocket-protocol.md, MESSAGE and USER)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from messaging.models import Attachment, Message
    from profiles.models import User


def user_payload(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "handle": user.handle}


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": reverse(
            "messaging:attachment",
            kwargs={"conversation_id": attachment.conversation_id, "attachment_id": attachment.id},
        ),
    }


def message_payload(
    message: Message, *, attachments: Iterable[Attachment] | None = None
) -> dict[str, Any]:
    """Expects `sender` selected and `attachments` prefetched (selectors.with_payload_relations),
    or the attachments passed in (a send that has just locked them)."""
    deleted = message.deleted_at is not None
    if deleted:
        attachments = ()
    elif attachments is None:
        attachments = message.attachments.all()
    return {
        "id": message.id,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "version": message.version,
        "kind": message.kind,
        "sender": user_payload(message.sender) if message.kind == "user" else None,
        "body": "" if deleted else message.body,
        "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
        "edited_at": message.edited_at.isoformat().replace("+00:00", "Z")
        if message.edited_at
        else None,
        "deleted": deleted,
        "client_id": str(message.client_id) if message.client_id else None,
        "attachments": [attachment_payload(a) for a in attachments],
    }
