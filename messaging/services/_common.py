"""Checks and locks that several of the services share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from core.exceptions import Invalid, NotFound, TooLarge
from messaging.models import Conversation, Participant
from messaging.selectors import unread_subquery

if TYPE_CHECKING:
    from profiles.models import User

# A conversation the person is not in answers exactly like one that does not exist.
NOT_FOUND = "No such conversation."
CLOSED = "This conversation is closed: it can be read but not written to."


def as_int(value: Any) -> int | None:
    """An id from a frame or a URL; None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_body(body: Any, *, allow_empty: bool = False) -> str:
    """A message body as stored: text, within the length limit, not blank unless allowed."""
    if not isinstance(body, str):
        raise Invalid("The message body must be text.")
    if len(body) > settings.MESSAGE_MAX_LENGTH:
        raise TooLarge(f"Messages may be at most {settings.MESSAGE_MAX_LENGTH:,} characters.")
    if not body.strip() and not allow_empty:
        raise Invalid("Write something before sending.")
    return body.strip()


def participant_or_404(user: User, conversation_id: Any) -> Participant:
    """The person's membership of a conversation, with the conversation."""
    conversation_id = as_int(conversation_id)
    participant = (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user=user)
        .first()
        if conversation_id
        else None
    )
    if participant is None:
        raise NotFound(NOT_FOUND)
    return participant


def lock_conversation(conversation_id: int) -> None:
    """Take the conversation's row lock before any participant row: a send locks the
    conversation, then writes every member's row; the other order could deadlock with it."""
    list(Conversation.objects.select_for_update().filter(pk=conversation_id).values_list("pk"))


def recount_unread(participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(unread_count=unread_subquery())
