"""How a dispute ends other than by an accepted proposal: the mediator resolves it, a mediator
closes it without a resolution, or the opener withdraws it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from disputes.models import Dispute, DisputeEvent
from disputes.permissions import check_mediator
from disputes.rules import close_refusal, mediation_refusal, withdraw_refusal
from disputes.services._common import (
    TEXT_MAX,
    check_party,
    clean_text,
    end,
    lock,
    refuse,
)


def _outcome(outcome: str) -> str:
    errors = {}
    outcome = clean_text(outcome, field="outcome", label="The outcome", errors=errors)
    if errors:
        raise ValidationError(errors)
    return outcome


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, by, outcome: str) -> Dispute:
    """The mediator records the outcome the parties reached with them."""
    dispute = lock(dispute)
    refuse(mediation_refusal(dispute, by))
    outcome = _outcome(outcome)
    end(
        dispute,
        by=by,
        status=Dispute.Status.RESOLVED,
        kind=DisputeEvent.Kind.RESOLVED,
        outcome=outcome,
        summary=f"The mediator, {by.name}, resolved the dispute: {outcome[:300]}",
    )
    return dispute


@transaction.atomic
def dispute_close(*, dispute: Dispute, by, outcome: str) -> Dispute:
    """A mediator closes a dispute without a resolution (abandoned, settled elsewhere, out of
    scope), saying why."""
    check_mediator(by)  # before the lock: someone who may not mediate locks nothing
    dispute = lock(dispute)
    refuse(close_refusal(dispute, by))
    outcome = _outcome(outcome)
    end(
        dispute,
        by=by,
        status=Dispute.Status.CLOSED,
        kind=DisputeEvent.Kind.CLOSED,
        outcome=outcome,
        summary=f"{by.name} closed the dispute: {outcome[:300]}",
    )
    return dispute


@transaction.atomic
def dispute_withdraw(*, dispute: Dispute, by, note: str = "") -> Dispute:
    dispute = lock(dispute)
    check_party(dispute, by)
    refuse(withdraw_refusal(dispute, by))
    note = (note or "").strip()[:TEXT_MAX]
    end(
        dispute,
        by=by,
        status=Dispute.Status.WITHDRAWN,
        kind=DisputeEvent.Kind.WITHDRAWN,
        outcome=note or f"Withdrawn by {by.name}.",
        summary=f"{by.name} withdrew the dispute." + (f" “{note[:300]}”" if note else ""),
    )
    return dispute
