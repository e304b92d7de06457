"""What goes on the record besides the actions: evidence files, and the messages people write
in the dispute's thread."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.uploads import DISPUTE_EVIDENCE, check_upload, store_checked
from disputes.models import Dispute, DisputeEvent, Evidence
from disputes.rules import evidence_refusal
from disputes.services._common import (
    check_sees,
    lock,
    mark_answered,
    notify_people,
    record,
    refuse,
)


@transaction.atomic
def evidence_add(*, dispute: Dispute, by, uploaded_file, caption: str = "") -> Evidence:
    """A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    dispute = lock(dispute)
    check_sees(dispute, by)
    refuse(evidence_refusal(dispute, by))
    caption = (caption or "").strip()
    if len(caption) > 500:
        raise ValidationError({"caption": "A caption may be at most 500 characters."})
    checked = check_upload(uploaded_file, DISPUTE_EVIDENCE)
    evidence = Evidence(
        dispute=dispute,
        added_by=by,
        caption=caption,
        name=checked.display_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    store_checked(evidence, checked, preview_field="preview")
    mark_answered(dispute, by)
    label = f"“{caption}”" if caption else checked.display_name
    record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.EVIDENCE_ADDED,
        summary=f"{by.name} added evidence: {label}.",
        evidence=evidence.pk,
        sha256=checked.sha256,
    )
    others = [u for u in (dispute.opened_by, dispute.other_party, dispute.mediator) if u]
    notify_people(
        [u for u in others if u.pk != by.pk],
        dispute=dispute,
        kind="dispute.evidence",
        title=f"{by.name} added evidence to the dispute on “{dispute.workroom.title}”",
    )
    return evidence


def message_recorded(*, message, conversation) -> None:
    """A person wrote in a dispute's thread (messaging's `message_stored` signal): the audit
    trail gets its event, and the other party's first word counts as their answer."""
    dispute = Dispute.objects.filter(conversation_id=conversation.pk).first()
    if dispute is None:
        return
    if message.sender_id == dispute.other_party_id and dispute.other_party_answered_at is None:
        Dispute.objects.filter(pk=dispute.pk, other_party_answered_at__isnull=True).update(
            other_party_answered_at=message.created_at
        )
    DisputeEvent.objects.create(
        dispute=dispute,
        actor=message.sender,
        kind=DisputeEvent.Kind.MESSAGE,
        summary=f"{message.sender.name} wrote in the thread.",
        data={"message": message.pk},
    )
