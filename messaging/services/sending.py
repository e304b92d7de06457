"""Sending: a person's message (once per client_id, checked, published after commit) and the
platform's system lines.

Every change in a conversation locks its row, bumps its version and stamps the changed
message, then publishes after commit (docs/architecture.md, "How a message travels").
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from core.exceptions import Invalid, NotAllowed, NotFound
from messaging import notifications
from messaging.conduct import Reason, check_message
from messaging.models import Attachment, Conversation, Message
from messaging.payloads import message_payload
from messaging.selectors import unread_counts, with_payload_relations
from messaging.services import send_sql
from messaging.services._common import CLOSED, NOT_FOUND, as_int, check_body
from messaging.services.publishing import publish_message_new
from messaging.services.rate_limit import take_send_token
from messaging.services.safety import check_not_blocked, policy_flag_create
from messaging.signals import message_stored
from profiles.services import response_time_record

if TYPE_CHECKING:
    from profiles.models import User

ELSEWHERE = "This client_id was already used for another conversation."


@dataclass
class SendResult:
    message: Message | None = None
    created: bool = False
    warning: list[Reason] = field(default_factory=list)
    # The MESSAGE payload of a message this call stored (None otherwise): the ack reuses it.
    payload: dict[str, Any] | None = None


def message_send(
    *,
    conversation_id: int | str,
    sender: User,
    body: str,
    client_id: uuid.UUID | str,
    attachment_ids: Sequence[int] = (),
    confirm: bool = False,
    rate_limited: bool = True,
) -> SendResult:
    """Store a message once per (sender, client_id) and publish it after commit.

    A body the conduct check flags is not stored unless the sender confirms; then it is
    stored, marked and queued for admin review. `rate_limited=False` is for the platform's
    own sends on a person's behalf (an accepted invitation's note, demo data), never for frames.

    One transaction, whose first statement locks the conversation and answers every check
    (idempotency, membership, read-only, block); the checks run in the order they always did,
    so a resend of a stored client_id still returns it before anything else is looked at.
    Every argument is checked: the consumer passes a frame's values as they came.
    """
    parsed_id = _parse_client_id(client_id)
    conversation_pk = as_int(conversation_id)
    try:
        with transaction.atomic():
            return _send(
                conversation_pk,
                sender=sender,
                body=body,
                client_id=parsed_id,
                attachment_ids=attachment_ids,
                confirm=confirm,
                rate_limited=rate_limited,
            )
    except IntegrityError:
        # Two tabs retried the same send at once: the other one stored it.
        stored = _stored_send(sender, parsed_id)
        if stored is None:
            raise
    return _resent(stored, conversation_pk)


def _send(
    conversation_id: int | None,
    *,
    sender: User,
    body: object,
    client_id: uuid.UUID,
    attachment_ids: object,
    confirm: bool,
    rate_limited: bool,
) -> SendResult:
    """message_send inside its transaction."""
    membership = (
        send_sql.locked_membership(sender, conversation_id, client_id) if conversation_id else None
    )
    if membership is None:
        # Not a member (or no such conversation): a stored send still answers first.
        stored = _stored_send(sender, client_id)
        if stored is not None:
            return _resent(stored, conversation_id)
        check_body(body, allow_empty=bool(_parse_ids(attachment_ids)))
        raise NotFound(NOT_FOUND)
    if membership.stored_id is not None:
        stored = with_payload_relations(Message.objects.filter(pk=membership.stored_id)).get()
        return _resent(stored, conversation_id)

    ids = _parse_ids(attachment_ids)
    text = check_body(body, allow_empty=bool(ids))
    _check_may_write(membership, sender)
    if rate_limited:
        take_send_token(sender)
    reasons = check_message(text) if text else []
    if reasons and not confirm:
        return SendResult(warning=reasons)
    conversation = membership.conversation
    message, payload = _store_message(
        conversation=conversation,
        sender=sender,
        body=text,
        client_id=client_id,
        attachment_ids=ids,
        reasons=reasons,
    )
    if conversation.kind == Conversation.Kind.DIRECT and not membership.replied_before:
        _record_first_reply(message, sender)
    return SendResult(message=message, created=True, payload=payload)


def _parse_client_id(client_id: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except (TypeError, ValueError):
        raise Invalid("client_id must be a UUID.") from None


def _parse_ids(ids: object) -> list[int]:
    if ids in (None, ""):
        return []
    if not isinstance(ids, list | tuple) or not all(isinstance(i, int) for i in ids):
        raise Invalid("attachments must be a list of attachment ids.")
    if len(ids) > 10:
        raise Invalid("At most 10 attachments per message.")
    return list(dict.fromkeys(ids))


def _stored_send(sender: User, client_id: uuid.UUID) -> Message | None:
    return with_payload_relations(
        Message.objects.filter(sender=sender, client_id=client_id)
    ).first()


def _resent(stored: Message, conversation_id: int | None) -> SendResult:
    """The answer to a send of a client_id already stored: the message it stored."""
    if stored.conversation_id != conversation_id:
        raise Invalid(ELSEWHERE)
    return SendResult(message=stored, created=False)


def _check_may_write(membership: send_sql.Membership, sender: User) -> None:
    conversation = membership.conversation
    if conversation.read_only:
        raise NotAllowed(CLOSED)
    if membership.blocked:
        other_id = (
            conversation.user_high_id
            if conversation.user_low_id == sender.pk
            else conversation.user_low_id
        )
        if other_id is not None:  # always, in a direct conversation: the only kind with blocks
            check_not_blocked(sender, other_id)  # raises, with the right words


def _store_message(
    *,
    conversation: Conversation,
    sender: User,
    body: str,
    client_id: uuid.UUID,
    attachment_ids: list[int],
    reasons: list[Reason],
) -> tuple[Message, dict[str, Any]]:
    """Inside message_send's transaction, with `conversation` locked: the message, its
    payload, the read positions, the digests, and the events to publish after commit."""
    attachments = (
        list(
            Attachment.objects.select_for_update()
            .filter(
                pk__in=attachment_ids,
                conversation=conversation,
                uploader=sender,
                message__isnull=True,
            )
            .order_by("pk")
        )
        if attachment_ids
        else []
    )
    if len(attachments) != len(attachment_ids):
        raise NotFound("An attachment was not found; upload it again.")
    message, members = send_sql.store(
        conversation, sender=sender, body=body, client_id=client_id, flagged=bool(reasons)
    )
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(message=message)
    if reasons:
        policy_flag_create(message=message, sender=sender, reasons=reasons)
    message_stored.send(sender=Message, message=message, conversation=conversation)
    # No re-read: the sender is the one sending, the attachments were just locked.
    payload = message_payload(message, attachments=attachments)
    notifications.schedule_digests(message=message, members=members)
    publish_message_new(conversation.pk, payload, {m.user_id: m.unread for m in members})
    return message, payload


def _record_first_reply(message: Message, sender: User) -> None:
    """The first answer in a new direct conversation feeds the sender's response-time figure."""
    replied_before = (
        Message.objects.filter(conversation_id=message.conversation_id, sender=sender)
        .exclude(pk=message.pk)
        .exists()
    )
    if replied_before:
        return
    opener = (
        Message.objects.filter(conversation_id=message.conversation_id, kind=Message.Kind.USER)
        .exclude(sender=sender)
        .order_by("seq")
        .first()
    )
    if opener is not None:
        response_time_record(
            user=sender,
            kind="message",
            started_at=opener.created_at,
            responded_at=message.created_at,
        )


@transaction.atomic
def message_post_system(*, conversation: Conversation, body: str) -> Message:
    """A compact system line ("Sam shared design.pdf"), part of the conversation's story."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = send_sql.append(conversation, sender=None, body=body, kind=Message.Kind.SYSTEM)
    message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
    publish_message_new(
        conversation.pk, message_payload(message), unread_counts(conversation_id=conversation.pk)
    )
    return message
