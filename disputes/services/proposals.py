"""Settlement proposals: a party proposes to the other (direct settlement), or the mediator
proposes to both; the parties accept or reject, and when everyone needed has accepted, the
dispute is resolved."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import NotAllowed
from disputes.models import Dispute, DisputeEvent, Resolution
from disputes.rules import answer_refusal, mediation_refusal
from disputes.selectors import pending_resolution
from disputes.services._common import (
    TEXT_MAX,
    check_active,
    check_party,
    check_sees,
    clean_amount,
    clean_text,
    end,
    lock,
    mark_answered,
    money_words,
    notify_people,
    record,
    refuse,
)


def _set_aside_pending(dispute: Dispute, *, by_mediator: bool) -> None:
    """One proposal waits at a time: the mediator's replaces a party's; a party waits."""
    pending = pending_resolution(dispute)
    if pending is None:
        return
    if not by_mediator:
        raise NotAllowed(
            "A proposal is already waiting for an answer: answer it, or wait until it is "
            "answered or expires."
        )
    pending.status = Resolution.Status.SUPERSEDED
    pending.decided_at = timezone.now()
    pending.save(update_fields=["status", "decided_at"])


@transaction.atomic
def proposal_make(
    *, dispute: Dispute, by, terms: str, amount=None, currency: str = ""
) -> Resolution:
    """Terms to settle on. A party proposes to the other (their own answer is yes); the
    mediator proposes to both. One proposal waits at a time; the mediator's replaces a
    party's."""
    dispute = lock(dispute)
    check_sees(dispute, by)
    check_active(dispute)
    by_mediator = not dispute.is_party(by)
    if by_mediator:
        refuse(mediation_refusal(dispute, by))
    errors = {}
    terms = clean_text(terms, field="terms", label="The terms", errors=errors)
    amount, currency = clean_amount(amount, currency, errors)
    if errors:
        raise ValidationError(errors)
    _set_aside_pending(dispute, by_mediator=by_mediator)
    now = timezone.now()
    resolution = Resolution.objects.create(
        dispute=dispute,
        proposed_by=by,
        by_mediator=by_mediator,
        terms=terms,
        amount=amount,
        currency=currency if amount is not None else "",
        opener_answer=Resolution.Answer.ACCEPTED if by.pk == dispute.opened_by_id else "",
        other_answer=Resolution.Answer.ACCEPTED if by.pk == dispute.other_party_id else "",
        respond_by=now + timedelta(days=settings.DISPUTE_PROPOSAL_DAYS),
        created_at=now,
    )
    mark_answered(dispute, by)
    who = f"The mediator, {by.name}," if by_mediator else by.name
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.PROPOSAL_MADE,
        summary=f"{who} proposed a settlement{money_words(amount, currency)}: {terms[:300]}",
        resolution=resolution.pk,
    )
    to = [dispute.opened_by, dispute.other_party] if by_mediator else [dispute.counterpart(by)]
    notify_people(
        to,
        dispute=dispute,
        kind="dispute.proposal",
        title=f"A settlement was proposed in the dispute on “{dispute.workroom.title}”",
    )
    return resolution


@transaction.atomic
def proposal_answer(*, resolution: Resolution, by, accept: bool, note: str = "") -> Resolution:
    dispute = lock(resolution.dispute)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    check_party(dispute, by)
    check_active(dispute)
    refuse(answer_refusal(dispute, resolution, by))
    field = "opener_answer" if by.pk == dispute.opened_by_id else "other_answer"
    note = (note or "").strip()[:TEXT_MAX]
    now = timezone.now()
    setattr(resolution, field, Resolution.Answer.ACCEPTED if accept else Resolution.Answer.REJECTED)
    if note:
        resolution.answer_note = (resolution.answer_note + f"\n{by.name}: {note}").strip()
    if not accept:
        resolution.status = Resolution.Status.REJECTED
        resolution.decided_at = now
    elif resolution.opener_answer == resolution.other_answer == Resolution.Answer.ACCEPTED:
        resolution.status = Resolution.Status.ACCEPTED
        resolution.decided_at = now
    resolution.save()
    mark_answered(dispute, by)
    said = f" “{note[:200]}”" if note else ""
    if not accept:
        _rejected(dispute, resolution, by=by, said=said)
    elif resolution.status == Resolution.Status.ACCEPTED:
        end(
            dispute,
            by=by,
            status=Dispute.Status.RESOLVED,
            kind=DisputeEvent.Kind.ACCEPTED,
            outcome=resolution.terms + money_words(resolution.amount, resolution.currency),
            summary=f"{by.name} accepted the proposal: both parties agreed, and the dispute is "
            "resolved.",
            resolution=resolution.pk,
        )
    else:
        _accepted_by_one(dispute, resolution, by=by, said=said)
    return resolution


def _rejected(dispute: Dispute, resolution: Resolution, *, by, said: str) -> None:
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.REJECTED,
        summary=f"{by.name} rejected the proposal.{said}",
        resolution=resolution.pk,
    )
    notify_people(
        [u for u in (dispute.counterpart(by), dispute.mediator) if u],
        dispute=dispute,
        kind="dispute.rejected",
        title=f"{by.name} rejected the proposal on “{dispute.workroom.title}”",
    )


def _accepted_by_one(dispute: Dispute, resolution: Resolution, *, by, said: str) -> None:
    """One party accepted a proposal that still waits for the other."""
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.ACCEPTED,
        summary=f"{by.name} accepted the proposal; waiting for "
        f"{dispute.counterpart(by).name}.{said}",
        resolution=resolution.pk,
    )
    notify_people(
        [dispute.counterpart(by)],
        dispute=dispute,
        kind="dispute.accepted",
        title=f"{by.name} accepted the proposal on “{dispute.workroom.title}”",
    )
