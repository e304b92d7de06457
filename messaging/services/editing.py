"""Changing a sent message: an edit or a delete, by its sender, within the edit window. Every
earlier body is kept (MessageRevision): hidden from members, kept for disputes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import NotAllowed, NotFound
from messaging.conduct import check_message
from messaging.models import Conversation, Message, MessageRevision, Participant
from messaging.selectors import with_payload_relations
from messaging.services._common import CLOSED, as_int, check_body
from messaging.services.publishing import publish_message_updated
from messaging.services.safety import policy_flag_renew
from messaging.services.sending import SendResult

if TYPE_CHECKING:
    from profiles.models import User

DELETED = "This message was deleted."


def _own_message_in_window(*, message_id: object, by: User) -> Message:
    message_pk = as_int(message_id)
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_pk, conversation__participants__user=by)
        .first()
        if message_pk
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    if message.sender_id != by.pk or message.kind != Message.Kind.USER:
        raise NotAllowed("You can only change your own messages.")
    if message.deleted_at is not None:
        raise NotAllowed(DELETED)
    if message.conversation.read_only:
        raise NotAllowed(CLOSED)
    window = timedelta(seconds=settings.MESSAGE_EDIT_WINDOW_SECONDS)
    if timezone.now() - message.created_at > window:
        minutes = settings.MESSAGE_EDIT_WINDOW_SECONDS // 60
        raise NotAllowed(f"Messages can be changed for {minutes} minutes after sending.")
    return message


def message_edit(
    *, message_id: int, by: User, body: str | None, confirm: bool = False
) -> SendResult:
    """A new body for one's own message. Like a send, the conduct check warns first and, once
    confirmed, flags the message for review again."""
    text = check_body(body)
    message = _own_message_in_window(message_id=message_id, by=by)
    reasons = check_message(text)
    if reasons and not confirm:
        return SendResult(message=message, warning=reasons)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.deleted_at is not None:
            raise NotAllowed(DELETED)
        if text == message.body:
            return SendResult(
                message=with_payload_relations(Message.objects.filter(pk=message.pk)).get()
            )
        MessageRevision.objects.create(
            message=message, action=MessageRevision.Action.EDIT, body=message.body
        )
        conversation.version += 1
        conversation.save(update_fields=["version"])
        message.body = text
        message.edited_at = timezone.now()
        message.version = conversation.version
        update = ["body", "edited_at", "version"]
        if reasons:
            message.flagged = True
            update.append("flagged")
            policy_flag_renew(message=message, sender=by, reasons=reasons)
        message.save(update_fields=update)
        message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
        publish_message_updated(message)
    return SendResult(message=message, created=False)


@transaction.atomic
def message_delete(*, message_id: int, by: User) -> Message:
    message = _own_message_in_window(message_id=message_id, by=by)
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.deleted_at is not None:
        raise NotAllowed(DELETED)
    MessageRevision.objects.create(
        message=message, action=MessageRevision.Action.DELETE, body=message.body
    )
    conversation.version += 1
    conversation.save(update_fields=["version"])
    message.deleted_at = timezone.now()
    message.version = conversation.version
    # The body stays in the row and in the revision: hidden from members, kept for disputes.
    message.save(update_fields=["deleted_at", "version"])
    # Those who had not read it counted it as unread (a person's message, to everyone but its
    # sender): not any more.
    Participant.objects.filter(
        conversation_id=message.conversation_id, last_read_seq__lt=message.seq
    ).exclude(user_id=by.pk).update(unread_count=F("unread_count") - 1)
    message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
    publish_message_updated(message)
    return message
