"""Conversations and who is in them. Direct ones are made on first use; workrooms and disputes
make group ones and decide who is in them, where they live and when they close."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from core.exceptions import Invalid, NotFound
from messaging import events
from messaging.models import Conversation, Participant
from messaging.services._common import lock_conversation, participant_or_404, recount_unread
from messaging.services.safety import check_not_blocked

if TYPE_CHECKING:
    from profiles.models import User


def conversation_open_direct(*, user: User, other: User) -> Conversation:
    """The one direct conversation between two people, made on first use."""
    if user.pk == other.pk:
        raise Invalid("You cannot start a conversation with yourself.")
    if not other.is_active:
        raise NotFound("No such person.")
    check_not_blocked(user, other.pk)
    low, high = sorted([user, other], key=lambda u: u.pk)
    existing = Conversation.objects.filter(
        kind=Conversation.Kind.DIRECT, user_low=low, user_high=high
    )
    conversation = existing.first()
    if conversation:
        return conversation
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.DIRECT, user_low=low, user_high=high
            )
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, user=u) for u in (low, high)]
            )
    except IntegrityError:
        # The other person opened it at the same moment: theirs is ours.
        return existing.get()
    return conversation


@transaction.atomic
def conversation_create(*, kind: str, title: str, members: Iterable[User]) -> Conversation:
    """A group conversation for a workroom or a dispute (their apps own who is in it)."""
    if kind == Conversation.Kind.DIRECT:
        raise Invalid("Use conversation_open_direct for direct conversations.")
    conversation = Conversation.objects.create(kind=kind, title=title)
    Participant.objects.bulk_create(
        [
            Participant(conversation=conversation, user=u)
            for u in {m.pk: m for m in members}.values()
        ]
    )
    return conversation


@transaction.atomic
def participant_add(*, conversation: Conversation, user: User) -> Participant:
    lock_conversation(conversation.pk)
    participant, created = Participant.objects.get_or_create(conversation=conversation, user=user)
    if created:
        recount_unread(participant)  # a newcomer has everything before them to read
    return participant


@transaction.atomic
def participant_remove(*, conversation: Conversation, user: User) -> None:
    """Remove a member; their open sockets leave the conversation at once."""
    lock_conversation(conversation.pk)
    deleted, _ = Participant.objects.filter(conversation=conversation, user=user).delete()
    if deleted:
        frame = {"type": "conversation.removed", "conversation": conversation.pk}
        events.publish_on_commit(events.user_group(user.pk), events.live_event(frame))


@transaction.atomic
def participant_update(
    *,
    conversation_id: Any,
    user: User,
    muted: bool | None = None,
    archived: bool | None = None,
) -> Participant:
    """Mute (no e-mail digests) or archive (out of the inbox until a new message) for one person."""
    participant = participant_or_404(user, conversation_id)
    fields = []
    if muted is not None:
        participant.muted = bool(muted)
        fields.append("muted")
    if archived is not None:
        participant.archived = bool(archived)
        fields.append("archived")
    if fields:
        participant.save(update_fields=fields)
    return participant


@transaction.atomic
def conversation_set_home(*, conversation: Conversation, url: str) -> None:
    """Where the conversation is read: its workroom's or dispute's page."""
    Conversation.objects.filter(pk=conversation.pk).update(home_url=url)


@transaction.atomic
def conversation_set_read_only(*, conversation: Conversation, read_only: bool) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(read_only=read_only)
