"""Blocks, reports, and the conduct check's flags for admin review."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from core.exceptions import Invalid, NotAllowed
from messaging.conduct import Reason
from messaging.models import Block, Message, PolicyFlag, Report

if TYPE_CHECKING:
    from profiles.models import User


def check_not_blocked(user: User, other_id: int) -> None:
    """One query; a message that says who blocked whom, without naming a blocker to the blocked."""
    for block in Block.objects.filter(
        Q(blocker=user, blocked_id=other_id) | Q(blocker_id=other_id, blocked=user)
    ).select_related("blocked"):
        if block.blocker_id == user.pk:
            raise NotAllowed(f"You blocked {block.blocked.name}. Unblock them to send messages.")
        raise NotAllowed("You can't send messages to this person.")


def is_blocked_between(a: User, b: User) -> bool:
    """Whether either of the two blocks the other (one query)."""
    return is_blocked_with_any(a.pk, [b.pk])


def is_blocked_with_any(user_id: int, other_ids: Iterable[int]) -> bool:
    """Whether a block stands between this person and any of the others, either way (one
    query): a call with the members of a conversation, say."""
    others = list(other_ids)
    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=others) | Q(blocker_id__in=others, blocked_id=user_id)
    ).exists()


def check_not_blocked_between(a: User, b: User, *, text: str, **extra: object) -> None:
    """For a new tie between two people that other apps make (an invitation, a workroom):
    refused with `text` whichever side blocked, so the blocked person learns no more than that
    it can't be done. What they already share (a contract's workroom, a dispute) goes on."""
    if is_blocked_between(a, b):
        raise NotAllowed(text, **extra)


@transaction.atomic
def user_block(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise Invalid("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def user_unblock(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


@transaction.atomic
def report_create(
    *,
    reporter: User,
    reported_user: User,
    reason: str,
    details: str = "",
    message: Message | None = None,
) -> Report:
    if reporter.pk == reported_user.pk:
        raise Invalid("You cannot report yourself.")
    report = Report(
        reporter=reporter,
        reported_user=reported_user,
        message=message,
        reason=reason,
        details=details,
    )
    report.full_clean()
    report.save()
    return report


def policy_flag_create(*, message: Message, sender: User, reasons: Sequence[Reason]) -> None:
    """A new message the sender confirmed after a conduct warning, for admin review."""
    PolicyFlag.objects.create(
        message=message, sender=sender, reasons=[reason.as_dict() for reason in reasons]
    )


def policy_flag_renew(*, message: Message, sender: User, reasons: Sequence[Reason]) -> None:
    """An edit the sender confirmed after a conduct warning: the message's flag (new, or one
    already reviewed) asks for review again, with the new reasons."""
    PolicyFlag.objects.update_or_create(
        message=message,
        defaults={
            "sender": sender,
            "reasons": [reason.as_dict() for reason in reasons],
            "reviewed_at": None,
        },
    )
