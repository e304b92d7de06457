"""Mediation: a party asks for it, a mediator takes the dispute, writes to both parties and
keeps internal notes. (A mediator's proposal is in `proposals`, resolving and closing in
`ending`.)"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import Invalid
from disputes.dossier import dossier_record
from disputes.models import Dispute, DisputeEvent, InternalNote, Resolution
from disputes.permissions import check_mediator
from disputes.rules import assign_refusal, escalation_refusal, mediation_refusal
from disputes.services._common import (
    check_party,
    clean_text,
    lock,
    notify_people,
    notify_queue,
    record,
    refuse,
)
from messaging import services as messaging


@transaction.atomic
def dispute_escalate(*, dispute: Dispute, by) -> Dispute:
    """A party asks for mediation; the correspondence so far is frozen into the dossier."""
    dispute = lock(dispute)
    check_party(dispute, by)
    refuse(escalation_refusal(dispute, by))
    now = timezone.now()
    Resolution.objects.filter(dispute=dispute, status=Resolution.Status.PENDING).update(
        status=Resolution.Status.SUPERSEDED, decided_at=now
    )
    dispute.status = Dispute.Status.MEDIATION
    dispute.escalated_at = now
    dispute.escalated_by = by
    dispute.stage_started_at = now
    dispute.stage_due_at = now + timedelta(days=settings.DISPUTE_MEDIATION_DAYS)
    dispute.stage_expired_at = None
    dispute.save(
        update_fields=[
            "status",
            "escalated_at",
            "escalated_by",
            "stage_started_at",
            "stage_due_at",
            "stage_expired_at",
        ]
    )
    dossier = dossier_record(dispute=dispute)
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.ESCALATED,
        summary=f"{by.name} asked for mediation. A Tandem mediator will join this thread; "
        "the correspondence so far is on the record.",
        dossier_sha256=dossier.sha256,
    )
    notify_people(
        [dispute.counterpart(by)],
        dispute=dispute,
        kind="dispute.escalated",
        title=f"{by.name} asked for mediation on “{dispute.workroom.title}”",
    )
    notify_queue(dispute)
    return dispute


@transaction.atomic
def mediator_assign(*, dispute: Dispute, by) -> Dispute:
    """“Assign to me”: the mediator joins the thread and takes the dispute."""
    check_mediator(by)  # before the lock: someone who may not mediate locks nothing
    dispute = lock(dispute)
    refuse(assign_refusal(dispute, by))
    before = dispute.mediator
    if before is not None:
        messaging.participant_remove(conversation=dispute.conversation, user=before)
    dispute.mediator = by
    dispute.save(update_fields=["mediator"])
    messaging.participant_add(conversation=dispute.conversation, user=by)
    took_over = f" (taking over from {before.name})" if before else ""
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.MEDIATOR_ASSIGNED,
        summary=f"{by.name}, a Tandem mediator, joined the dispute{took_over}.",
        mediator=by.pk,
        before=before.pk if before else None,
    )
    notify_people(
        [dispute.opened_by, dispute.other_party],
        dispute=dispute,
        kind="dispute.mediator",
        title=f"A mediator joined the dispute on “{dispute.workroom.title}”",
    )
    return dispute


def mediator_message(*, dispute: Dispute, by, body: str):
    """The mediator writes to both parties in the thread (the audit event comes from the
    message itself, as for any message in the thread)."""
    dispute = Dispute.objects.get(pk=dispute.pk)
    refuse(mediation_refusal(dispute, by))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message first."})
    try:
        result = messaging.message_send(
            conversation_id=dispute.conversation_id,
            sender=by,
            body=body,
            client_id=uuid.uuid4(),
            confirm=True,
            rate_limited=False,
        )
    except messaging.MessagingError as error:
        raise Invalid(error.detail, field="body") from None
    return result.message


@transaction.atomic
def internal_note_add(*, dispute: Dispute, by, body: str) -> InternalNote:
    check_mediator(by)
    dispute = lock(dispute)
    errors = {}
    body = clean_text(body, field="body", label="The note", errors=errors)
    if errors:
        raise ValidationError(errors)
    note = InternalNote.objects.create(dispute=dispute, author=by, body=body)
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.NOTE_ADDED,
        summary=f"{by.name} added an internal note.",
        system_line=False,  # staff only: never in the parties' thread
        note=note.pk,
    )
    return note
