"""A party opens a dispute on their workroom."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Invalid, NotFound
from disputes.models import Dispute, DisputeEvent
from disputes.services._common import (
    clean_amount,
    clean_text,
    dispute_url,
    money_words,
    notify_people,
    record,
)
from messaging import services as messaging
from messaging.models import Conversation

EXISTS_TEXT = "This workroom already has an open dispute: continue it there."


def _clean(workroom, *, reason, description, desired_outcome, amount, currency, deadline):
    """The opening's fields, cleaned; every mistake at once, by field (ValidationError)."""
    errors = {}
    if reason not in Dispute.Reason.values:
        errors["reason"] = "Choose the reason from the list."
    description = clean_text(
        description, field="description", label="The description", errors=errors
    )
    desired_outcome = clean_text(
        desired_outcome, field="desired_outcome", label="The outcome you want", errors=errors
    )
    amount, currency = clean_amount(amount, currency, errors)
    if deadline is not None and deadline.workroom_id != workroom.pk:
        errors["deadline"] = "That deadline belongs to another workroom."
    if errors:
        raise ValidationError(errors)
    return description, desired_outcome, amount, currency if amount is not None else ""


@transaction.atomic
def dispute_open(
    *,
    workroom,
    by,
    reason: str,
    description: str,
    desired_outcome: str,
    amount=None,
    currency: str = "",
    deadline=None,
) -> Dispute:
    """A party opens a dispute on their workroom; the other party has the response time to
    answer before the opener may escalate."""
    if not workroom.is_member(by):
        raise NotFound("No such workroom.")
    description, desired_outcome, amount, currency = _clean(
        workroom,
        reason=reason,
        description=description,
        desired_outcome=desired_outcome,
        amount=amount,
        currency=currency,
        deadline=deadline,
    )
    # Lock the room so two clicks cannot both pass the check below.
    type(workroom).objects.select_for_update().get(pk=workroom.pk)
    if Dispute.objects.filter(workroom=workroom, status__in=Dispute.ACTIVE_STATUSES).exists():
        raise Invalid(EXISTS_TEXT)
    other = workroom.other_member(by)
    now = timezone.now()
    conversation = messaging.conversation_create(
        kind=Conversation.Kind.DISPUTE,
        title=f"Dispute: {workroom.title}"[:200],
        members=[by, other],
    )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                workroom=workroom,
                opened_by=by,
                other_party=other,
                reason=reason,
                description=description,
                desired_outcome=desired_outcome,
                amount=amount,
                currency=currency,
                deadline=deadline,
                conversation=conversation,
                stage_started_at=now,
                stage_due_at=now + timedelta(days=settings.DISPUTE_RESPONSE_DAYS),
                created_at=now,
            )
    except IntegrityError:
        raise Invalid(EXISTS_TEXT) from None
    messaging.conversation_set_home(conversation=conversation, url=dispute_url(dispute))
    _announce(dispute, by=by, other=other)
    return dispute


def _announce(dispute: Dispute, *, by, other) -> None:
    """The opening's event, its line in the workroom's chat, and both parties told."""
    workroom = dispute.workroom
    days = settings.DISPUTE_RESPONSE_DAYS
    reason_text = dispute.get_reason_display().lower()
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.OPENED,
        summary=f"{by.name} opened a dispute about {reason_text}"
        f"{money_words(dispute.amount, dispute.currency)}. {other.name} has {days} days to "
        "answer.",
        reason=dispute.reason,
    )
    messaging.message_post_system(
        conversation=workroom.conversation,
        body=f"{by.name} opened a dispute about {reason_text}.",
    )
    notify_people(
        [other],
        dispute=dispute,
        kind="dispute.opened",
        title=f"{by.name} opened a dispute on “{workroom.title}”",
    )
    notify_people(
        [by],
        dispute=dispute,
        kind="dispute.opened",
        title=f"Your dispute on “{workroom.title}” is open: {other.name} has {days} days to answer",
    )
