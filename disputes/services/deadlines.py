"""The periodic deadline work (Celery beat, `disputes.tasks.sweep_deadlines`): proposals not
answered in time expire, and a stage whose response time ran out is flagged once. The same
sweep sends back to the queue any active dispute whose mediator may no longer mediate (what
no signal reported: `revocation`)."""

from django.db import transaction
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent, Resolution
from disputes.permissions import mediators
from disputes.services._common import lock, notify_people, notify_staff, record
from disputes.services.revocation import mediator_access_recheck


def sweep_deadlines(*, now=None) -> int:
    """Proposals not answered in time expire; a stage whose response time ran out is flagged
    once (the opener may now escalate; a mediation past due goes back to the mediators).
    Returns how many things changed. Safe to run twice at once: rows are locked."""
    now = now or timezone.now()
    changed = 0
    due_proposals = Resolution.objects.filter(
        status=Resolution.Status.PENDING, respond_by__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due_proposals):
        changed += _expire_proposal(pk, now)
    due_stages = Dispute.objects.filter(
        status__in=Dispute.ACTIVE_STATUSES, stage_due_at__lte=now, stage_expired_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due_stages):
        changed += _expire_stage(pk, now)
    return changed + mediator_access_recheck()


@transaction.atomic
def _expire_proposal(pk: int, now) -> int:
    resolution = (
        Resolution.objects.select_for_update().filter(pk=pk, status=Resolution.Status.PENDING)
    ).first()
    if resolution is None or resolution.respond_by > now:
        return 0
    dispute = lock(resolution.dispute)
    resolution.status = Resolution.Status.EXPIRED
    resolution.decided_at = now
    resolution.save(update_fields=["status", "decided_at"])
    record(
        dispute,
        actor=None,
        kind=DisputeEvent.Kind.PROPOSAL_EXPIRED,
        summary="The proposal expired without an answer from both parties.",
        resolution=resolution.pk,
    )
    notify_people(
        [dispute.opened_by, dispute.other_party, dispute.mediator],
        dispute=dispute,
        kind="dispute.proposal_expired",
        title=f"A proposal expired in the dispute on “{dispute.workroom.title}”",
    )
    return 1


@transaction.atomic
def _expire_stage(pk: int, now) -> int:
    dispute = lock(Dispute(pk=pk))
    if not dispute.is_active or dispute.stage_expired_at or dispute.stage_due_at > now:
        return 0
    dispute.stage_expired_at = now
    dispute.save(update_fields=["stage_expired_at"])
    if dispute.status == Dispute.Status.OPEN:
        _open_stage_expired(dispute)
    else:
        _mediation_overdue(dispute)
    return 1


def _open_stage_expired(dispute: Dispute) -> None:
    """The other party's response time ran out: the opener may now escalate."""
    opener = dispute.opened_by.name
    if dispute.other_party_answered_at is not None:
        summary = f"The response time has passed. {opener} can now ask for mediation."
    else:
        summary = (
            f"{dispute.other_party.name} did not answer in time. {opener} can now ask for "
            "mediation."
        )
    record(dispute, actor=None, kind=DisputeEvent.Kind.STAGE_EXPIRED, summary=summary)
    notify_people(
        [dispute.opened_by],
        dispute=dispute,
        kind="dispute.escalation_open",
        title=f"You can now ask for mediation on “{dispute.workroom.title}”",
    )


def _mediation_overdue(dispute: Dispute) -> None:
    """The mediation is past its target: its mediator (or, with none yet, every mediator) is
    reminded; the parties' thread gets no line."""
    record(
        dispute,
        actor=None,
        kind=DisputeEvent.Kind.STAGE_EXPIRED,
        summary="The mediation is past its target date; the mediators have been reminded.",
        system_line=False,
    )
    notify_staff(
        [dispute.mediator] if dispute.mediator else mediators(),
        dispute=dispute,
        kind="dispute.overdue",
        title=f"Dispute #{dispute.pk} is past its mediation target",
    )
