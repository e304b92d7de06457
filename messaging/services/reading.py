"""Reading: a person's read position (and read receipts), and typing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from core.exceptions import NotFound
from messaging import events, notifications
from messaging.models import Message, Participant
from messaging.payloads import user_payload
from messaging.services._common import as_int, participant_or_404, recount_unread
from messaging.services.publishing import publish_conversation_updated

if TYPE_CHECKING:
    from profiles.models import User


@transaction.atomic
def conversation_mark_read(*, conversation_id: int, user: User, message_id: int) -> Message:
    """Move the user's read position forward to a message; never backward.

    Others are told only if the reader shares read receipts.
    """
    participant = participant_or_404(user, conversation_id)
    message_pk = as_int(message_id)
    message = (
        Message.objects.filter(pk=message_pk, conversation_id=participant.conversation_id).first()
        if message_pk
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    moved = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=message.seq).update(
        last_read_seq=message.seq, last_read_message=message
    )
    if moved:
        recount_unread(participant)
        conversation_pk = participant.conversation_id
        if notifications.preferences_for(user).share_read_receipts:
            frame = {
                "type": "read",
                "conversation": conversation_pk,
                "user": user_payload(user),
                "message": message.pk,
            }
            events.publish_on_commit(
                events.conversation_group(conversation_pk),
                events.live_event(frame, conversation=conversation_pk, exclude_user=user.pk),
            )
        transaction.on_commit(lambda: publish_conversation_updated(conversation_pk))
    return message


def typing_notify(*, conversation_id: int, user: User) -> None:
    participant = participant_or_404(user, conversation_id)
    if not notifications.preferences_for(user).share_typing:
        return
    frame = {
        "type": "typing",
        "conversation": participant.conversation_id,
        "user": user_payload(user),
    }
    events.publish_now(
        events.conversation_group(participant.conversation_id),
        events.live_event(frame, conversation=participant.conversation_id, exclude_user=user.pk),
    )
