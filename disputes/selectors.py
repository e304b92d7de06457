"""Reads for disputes. A party's reads go through their own disputes, so one that is not theirs
is simply not found (404)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent, Evidence, Resolution
from disputes.permissions import can_mediate, can_see_record, is_acting_mediator
from disputes.rules import (
    answer_refusal,
    escalation_refusal,
    evidence_refusal,
    withdraw_refusal,
)


def disputes_for(*, user) -> QuerySet:
    """The disputes a person is a party to, or mediates while they may still mediate (the
    `mediator` column alone grants nothing: disputes.permissions)."""
    mine = Q(opened_by=user) | Q(other_party=user)
    if can_mediate(user):
        mine |= Q(mediator=user)
    return (
        Dispute.objects.filter(mine)
        .select_related("workroom", "opened_by", "other_party", "mediator")
        .order_by("-created_at", "-pk")
    )


def dispute_for(*, user, dispute_id) -> Dispute | None:
    try:
        dispute_id = int(dispute_id)
    except (TypeError, ValueError):
        return None
    return disputes_for(user=user).filter(pk=dispute_id).first()


def active_dispute_for(*, workroom) -> Dispute | None:
    return Dispute.objects.filter(workroom=workroom, status__in=Dispute.ACTIVE_STATUSES).first()


def timeline_for(*, dispute: Dispute, staff: bool) -> list[DisputeEvent]:
    events = DisputeEvent.objects.filter(dispute=dispute).select_related("actor")
    if not staff:
        events = events.exclude(kind__in=DisputeEvent.STAFF_ONLY)
    return list(events.order_by("created_at", "pk"))


def evidence_for(*, dispute: Dispute) -> list[Evidence]:
    return list(Evidence.objects.filter(dispute=dispute).select_related("added_by"))


def evidence_item_for(*, user, dispute_id, evidence_id) -> Evidence | None:
    """One piece of evidence, for its download: the parties and the mediator (through their
    disputes) and staff who may read disputes' records (mediators)."""
    disputes = Dispute.objects.all() if can_see_record(user) else disputes_for(user=user)
    dispute = disputes.filter(pk=dispute_id).first()
    if dispute is None:
        return None
    return Evidence.objects.filter(dispute=dispute, pk=evidence_id).first()


def pending_resolution(dispute: Dispute) -> Resolution | None:
    """The proposal waiting for answers, if any (at most one: a database constraint)."""
    return dispute.resolutions.filter(status=Resolution.Status.PENDING).first()


@dataclass
class Actions:
    """What one person may do on a dispute right now (the pages show only these)."""

    reply: bool = False
    add_evidence: bool = False
    propose: bool = False
    pending: Resolution | None = None
    answer: bool = False
    escalate: bool = False
    escalate_reason: str = ""
    withdraw: bool = False
    stage_label: str = ""
    time_left: timedelta | None = None
    next_step: str = ""


def actions_for(*, dispute: Dispute, user, now=None) -> Actions:
    now = now or timezone.now()
    party = dispute.is_party(user)
    active = dispute.is_active
    pending = pending_resolution(dispute) if active else None
    actions = Actions(stage_label=dispute.get_status_display(), pending=pending)
    if not active:
        actions.next_step = {
            Dispute.Status.RESOLVED: "This dispute is resolved.",
            Dispute.Status.WITHDRAWN: "This dispute was withdrawn.",
            Dispute.Status.CLOSED: "This dispute was closed by a mediator.",
        }.get(dispute.status, "")
        return actions
    actions.time_left = dispute.stage_due_at - now
    actions.reply = party or is_acting_mediator(dispute, user)
    actions.add_evidence = evidence_refusal(dispute, user) is None
    actions.propose = party and pending is None
    actions.answer = bool(party and pending and answer_refusal(dispute, pending, user) is None)
    actions.withdraw = party and withdraw_refusal(dispute, user) is None
    reason = escalation_refusal(dispute, user, now) if party else "Only the parties can escalate."
    actions.escalate = reason is None
    actions.escalate_reason = reason or ""
    if dispute.status == Dispute.Status.OPEN:
        if user.pk == dispute.other_party_id and dispute.other_party_answered_at is None:
            actions.next_step = (
                f"{dispute.opened_by.name} opened this dispute. Answer in the thread, add "
                "evidence or propose a settlement."
            )
        elif actions.answer:
            actions.next_step = "A settlement is proposed: accept or reject it."
        else:
            actions.next_step = (
                "Try to settle this directly: talk it through, add evidence, propose terms."
            )
    else:
        actions.next_step = (
            f"{dispute.mediator.name} is mediating this dispute."
            if dispute.mediator_id
            else "Waiting for a Tandem mediator to take this dispute."
        )
        if actions.answer:
            actions.next_step += " A settlement is proposed: accept or reject it."
    return actions
