"""Writes for disputes. The parties' pages, the admin's mediation screens and the Celery sweep
all call these; each action locks the dispute row, checks who may act now, and writes exactly
one `DisputeEvent` (the audit trail), plus a system line in the thread and notifications.

Stages: open (the parties settle directly) → mediation (an admin mediates) → resolved, or
withdrawn (by the opener) or closed (by a mediator) from either active stage.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.money import clean_money, format_money
from core.uploads import DISPUTE_EVIDENCE, check_upload, storage_name
from disputes.dossier import dossier_record
from disputes.models import Dispute, DisputeEvent, Evidence, InternalNote, Resolution
from disputes.permissions import MEDIATE_PERMISSION, NotAllowed, check_mediator
from messaging import services as messaging
from messaging.models import Conversation
from messaging.notifications import notify

TEXT_MAX = 5000
ENDED_TEXT = "This dispute has ended: nothing can be changed any more."

__all__ = ["NotAllowed"]


# --- Plumbing -----------------------------------------------------------------------------------


def _lock(dispute: Dispute) -> Dispute:
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("workroom", "opened_by", "other_party", "mediator", "conversation")
        .get(pk=dispute.pk)
    )


def _check_party(dispute: Dispute, user) -> None:
    if not dispute.is_party(user):
        raise NotAllowed("Only the two parties of this dispute can do that.")


def _check_active(dispute: Dispute) -> None:
    if not dispute.is_active:
        raise NotAllowed(ENDED_TEXT)


def _check_assigned(dispute: Dispute, user) -> None:
    check_mediator(user)
    if dispute.mediator_id != user.pk:
        raise NotAllowed("Assign this dispute to yourself first: only its mediator can do that.")


def _url(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


def _record(dispute: Dispute, *, actor, kind: str, summary: str, system_line=True, **data):
    """The one event of an action, and (for what the parties may see) a line in the thread."""
    event = DisputeEvent.objects.create(
        dispute=dispute, actor=actor, kind=kind, summary=summary[:500], data=data
    )
    if system_line:
        messaging.message_post_system(conversation=dispute.conversation, body=summary[:500])
    return event


def _notify(users, *, dispute: Dispute, kind: str, title: str) -> None:
    for user in users:
        if user is not None:
            notify(user=user, kind=kind, title=title, url=_url(dispute))


def _mediators():
    """Everyone who may mediate (active staff with the permission, and superusers)."""
    User = get_user_model()
    app_label, codename = MEDIATE_PERMISSION.split(".")
    perm = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    group = Q(groups__permissions__codename=codename)
    return User.objects.filter(
        Q(is_superuser=True) | perm | group, is_active=True, is_staff=True
    ).distinct()


def _clean_text(value, *, field: str, label: str, errors: dict, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = f"{label} can't be empty."
    elif len(text) > TEXT_MAX:
        errors[field] = f"{label} may be at most {TEXT_MAX:,} characters (it has {len(text):,})."
    return text


def _clean_money(amount, currency, errors: dict) -> tuple[Decimal | None, str]:
    """The one money rule (core.money); what breaks it goes into `errors`."""
    try:
        return clean_money(amount, currency)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None, ""


def _money(amount, currency) -> str:
    return f" ({format_money(amount, currency)})" if amount is not None else ""


# --- What a person may do now (the pages ask the same questions) --------------------------------


def pending_resolution(dispute: Dispute) -> Resolution | None:
    return dispute.resolutions.filter(status=Resolution.Status.PENDING).first()


def escalation_check(dispute: Dispute, user, now=None) -> str | None:
    """None when `user` may escalate now, else the sentence saying why not (or when)."""
    now = now or timezone.now()
    if not dispute.is_party(user):
        return "Only the parties can ask for mediation."
    if dispute.status == Dispute.Status.MEDIATION:
        return "This dispute is already in mediation."
    if dispute.status != Dispute.Status.OPEN:
        return ENDED_TEXT
    if user.pk == dispute.other_party_id:
        return None  # the other party may decline direct settlement at once
    refused = (
        dispute.resolutions.filter(
            Q(other_answer=Resolution.Answer.REJECTED) | Q(status=Resolution.Status.EXPIRED),
            proposed_by=dispute.opened_by,
        ).exists()
        or dispute.resolutions.filter(
            proposed_by=dispute.other_party, opener_answer=Resolution.Answer.REJECTED
        ).exists()
    )
    if refused or now >= dispute.stage_due_at:
        return None
    when = timezone.localtime(dispute.stage_due_at)
    return (
        f"{dispute.other_party.name} has until {when:%a %d %b, %H:%M} to answer; you can ask "
        "for mediation then, or at once if they reject a proposal."
    )


# --- Opening ------------------------------------------------------------------------------------


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
        raise PermissionDenied("You are not a member of this workroom.")
    errors = {}
    if reason not in Dispute.Reason.values:
        errors["reason"] = "Choose the reason from the list."
    description = _clean_text(
        description, field="description", label="The description", errors=errors
    )
    desired_outcome = _clean_text(
        desired_outcome, field="desired_outcome", label="The outcome you want", errors=errors
    )
    amount, currency = _clean_money(amount, currency, errors)
    if deadline is not None and deadline.workroom_id != workroom.pk:
        errors["deadline"] = "That deadline belongs to another workroom."
    if errors:
        raise ValidationError(errors)
    # Lock the room so two clicks cannot both pass the check below.
    type(workroom).objects.select_for_update().get(pk=workroom.pk)
    existing = Dispute.objects.filter(workroom=workroom, status__in=Dispute.ACTIVE_STATUSES)
    if existing.exists():
        raise ValidationError(
            {"__all__": "This workroom already has an open dispute: continue it there."},
            code="exists",
        )
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
                currency=currency if amount is not None else "",
                deadline=deadline,
                conversation=conversation,
                stage_started_at=now,
                stage_due_at=now + timedelta(days=settings.DISPUTE_RESPONSE_DAYS),
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            {"__all__": "This workroom already has an open dispute: continue it there."},
            code="exists",
        ) from None
    messaging.conversation_set_home(conversation=conversation, url=_url(dispute))
    reason_text = dispute.get_reason_display().lower()
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.OPENED,
        summary=f"{by.name} opened a dispute about {reason_text}"
        f"{_money(amount, currency)}. {other.name} has "
        f"{settings.DISPUTE_RESPONSE_DAYS} days to answer.",
        reason=reason,
    )
    messaging.message_post_system(
        conversation=workroom.conversation,
        body=f"{by.name} opened a dispute about {reason_text}.",
    )
    _notify(
        [other],
        dispute=dispute,
        kind="dispute.opened",
        title=f"{by.name} opened a dispute on “{workroom.title}”",
    )
    _notify(
        [by],
        dispute=dispute,
        kind="dispute.opened",
        title=f"Your dispute on “{workroom.title}” is open: {other.name} has "
        f"{settings.DISPUTE_RESPONSE_DAYS} days to answer",
    )
    return dispute


# --- Evidence -----------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, dispute: Dispute, by, uploaded_file, caption: str = "") -> Evidence:
    """A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    dispute = _lock(dispute)
    if not (dispute.is_party(by) or (by.pk == dispute.mediator_id)):
        raise NotAllowed("Only the parties and the mediator can add evidence.")
    _check_active(dispute)
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
    # Every check ran before this point, so a refused file never reaches storage.
    evidence.file.save(checked.storage_name, checked.content, save=False)
    try:
        if checked.preview:
            evidence.preview.save(storage_name(), ContentFile(checked.preview), save=False)
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        if evidence.preview:
            evidence.preview.delete(save=False)
        raise
    _mark_answered(dispute, by)
    label = f"“{caption}”" if caption else checked.display_name
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.EVIDENCE_ADDED,
        summary=f"{by.name} added evidence: {label}.",
        evidence=evidence.pk,
        sha256=checked.sha256,
    )
    others = [u for u in (dispute.opened_by, dispute.other_party, dispute.mediator) if u]
    _notify(
        [u for u in others if u.pk != by.pk],
        dispute=dispute,
        kind="dispute.evidence",
        title=f"{by.name} added evidence to the dispute on “{dispute.workroom.title}”",
    )
    return evidence


def _mark_answered(dispute: Dispute, by) -> None:
    if by.pk == dispute.other_party_id and dispute.other_party_answered_at is None:
        dispute.other_party_answered_at = timezone.now()
        dispute.save(update_fields=["other_party_answered_at"])


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


# --- Proposals ----------------------------------------------------------------------------------


@transaction.atomic
def proposal_make(
    *, dispute: Dispute, by, terms: str, amount=None, currency: str = ""
) -> Resolution:
    """Terms to settle on. A party proposes to the other (their own answer is yes); the
    mediator proposes to both. One proposal waits at a time; the mediator's replaces a
    party's."""
    dispute = _lock(dispute)
    _check_active(dispute)
    by_mediator = not dispute.is_party(by)
    if by_mediator:
        _check_assigned(dispute, by)
        if dispute.status != Dispute.Status.MEDIATION:
            raise NotAllowed("The mediator proposes once the dispute is in mediation.")
    errors = {}
    terms = _clean_text(terms, field="terms", label="The terms", errors=errors)
    amount, currency = _clean_money(amount, currency, errors)
    if errors:
        raise ValidationError(errors)
    pending = pending_resolution(dispute)
    if pending is not None:
        if not by_mediator:
            raise NotAllowed(
                "A proposal is already waiting for an answer: answer it, or wait until it is "
                "answered or expires."
            )
        pending.status = Resolution.Status.SUPERSEDED
        pending.decided_at = timezone.now()
        pending.save(update_fields=["status", "decided_at"])
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
    _mark_answered(dispute, by)
    who = f"The mediator, {by.name}," if by_mediator else by.name
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.PROPOSAL_MADE,
        summary=f"{who} proposed a settlement{_money(amount, currency)}: {terms[:300]}",
        resolution=resolution.pk,
    )
    to = [dispute.opened_by, dispute.other_party] if by_mediator else [dispute.counterpart(by)]
    _notify(
        to,
        dispute=dispute,
        kind="dispute.proposal",
        title=f"A settlement was proposed in the dispute on “{dispute.workroom.title}”",
    )
    return resolution


@transaction.atomic
def proposal_answer(*, resolution: Resolution, by, accept: bool, note: str = "") -> Resolution:
    dispute = _lock(resolution.dispute)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _check_party(dispute, by)
    _check_active(dispute)
    if resolution.status != Resolution.Status.PENDING:
        raise NotAllowed(
            f"This proposal is no longer open ({resolution.get_status_display().lower()})."
        )
    field = "opener_answer" if by.pk == dispute.opened_by_id else "other_answer"
    if getattr(resolution, field):
        if resolution.proposed_by_id == by.pk:
            raise NotAllowed("You made this proposal: the other party answers it.")
        raise NotAllowed("You have already answered this proposal.")
    note = (note or "").strip()[:TEXT_MAX]
    now = timezone.now()
    answer = Resolution.Answer.ACCEPTED if accept else Resolution.Answer.REJECTED
    setattr(resolution, field, answer)
    if note:
        resolution.answer_note = (resolution.answer_note + f"\n{by.name}: {note}").strip()
    if not accept:
        resolution.status = Resolution.Status.REJECTED
        resolution.decided_at = now
    elif resolution.opener_answer == resolution.other_answer == Resolution.Answer.ACCEPTED:
        resolution.status = Resolution.Status.ACCEPTED
        resolution.decided_at = now
    resolution.save()
    _mark_answered(dispute, by)
    said = f" “{note[:200]}”" if note else ""
    if not accept:
        _record(
            dispute,
            actor=by,
            kind=DisputeEvent.Kind.REJECTED,
            summary=f"{by.name} rejected the proposal.{said}",
            resolution=resolution.pk,
        )
        _notify(
            [u for u in (dispute.counterpart(by), dispute.mediator) if u],
            dispute=dispute,
            kind="dispute.rejected",
            title=f"{by.name} rejected the proposal on “{dispute.workroom.title}”",
        )
        return resolution
    if resolution.status == Resolution.Status.ACCEPTED:
        _end(
            dispute,
            by=by,
            status=Dispute.Status.RESOLVED,
            kind=DisputeEvent.Kind.ACCEPTED,
            outcome=resolution.terms + _money(resolution.amount, resolution.currency),
            summary=f"{by.name} accepted the proposal: both parties agreed, and the dispute is "
            "resolved.",
            resolution=resolution.pk,
        )
    else:
        _record(
            dispute,
            actor=by,
            kind=DisputeEvent.Kind.ACCEPTED,
            summary=f"{by.name} accepted the proposal; waiting for "
            f"{dispute.counterpart(by).name}.{said}",
            resolution=resolution.pk,
        )
        _notify(
            [dispute.counterpart(by)],
            dispute=dispute,
            kind="dispute.accepted",
            title=f"{by.name} accepted the proposal on “{dispute.workroom.title}”",
        )
    return resolution


# --- Escalation and mediation -------------------------------------------------------------------


@transaction.atomic
def dispute_escalate(*, dispute: Dispute, by) -> Dispute:
    """A party asks for mediation; the correspondence so far is frozen into the dossier."""
    dispute = _lock(dispute)
    _check_party(dispute, by)
    refusal = escalation_check(dispute, by)
    if refusal:
        raise NotAllowed(refusal)
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
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.ESCALATED,
        summary=f"{by.name} asked for mediation. A Tandem mediator will join this thread; "
        "the correspondence so far is on the record.",
        dossier_sha256=dossier.sha256,
    )
    _notify(
        [dispute.counterpart(by)],
        dispute=dispute,
        kind="dispute.escalated",
        title=f"{by.name} asked for mediation on “{dispute.workroom.title}”",
    )
    for mediator in _mediators():
        notify(
            user=mediator,
            kind="dispute.queue",
            title=f"Dispute #{dispute.pk} needs a mediator",
            url=reverse("admin:disputes_dispute_change", args=[dispute.pk]),
        )
    return dispute


@transaction.atomic
def mediator_assign(*, dispute: Dispute, by) -> Dispute:
    """“Assign to me”: the mediator joins the thread and takes the dispute."""
    check_mediator(by)
    dispute = _lock(dispute)
    if dispute.status != Dispute.Status.MEDIATION:
        if dispute.is_active:
            raise NotAllowed("Only disputes in mediation get a mediator; this one is still open.")
        raise NotAllowed(ENDED_TEXT)
    if dispute.mediator_id == by.pk:
        raise NotAllowed("This dispute is already assigned to you.")
    if dispute.is_party(by):
        raise NotAllowed("You are a party to this dispute and can't mediate it.")
    before = dispute.mediator
    if before is not None:
        messaging.participant_remove(conversation=dispute.conversation, user=before)
    dispute.mediator = by
    dispute.save(update_fields=["mediator"])
    messaging.participant_add(conversation=dispute.conversation, user=by)
    took_over = f" (taking over from {before.name})" if before else ""
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.MEDIATOR_ASSIGNED,
        summary=f"{by.name}, a Tandem mediator, joined the dispute{took_over}.",
        mediator=by.pk,
        before=before.pk if before else None,
    )
    _notify(
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
    _check_assigned(dispute, by)
    _check_active(dispute)
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
        raise ValidationError({"body": error.detail}) from None
    return result.message


@transaction.atomic
def internal_note_add(*, dispute: Dispute, by, body: str) -> InternalNote:
    check_mediator(by)
    dispute = _lock(dispute)
    errors = {}
    body = _clean_text(body, field="body", label="The note", errors=errors)
    if errors:
        raise ValidationError(errors)
    note = InternalNote.objects.create(dispute=dispute, author=by, body=body)
    _record(
        dispute,
        actor=by,
        kind=DisputeEvent.Kind.NOTE_ADDED,
        summary=f"{by.name} added an internal note.",
        system_line=False,  # staff only: never in the parties' thread
        note=note.pk,
    )
    return note


# --- Ending -------------------------------------------------------------------------------------


def _end(dispute: Dispute, *, by, status: str, kind: str, outcome: str, summary: str, **data):
    now = timezone.now()
    dispute.status = status
    dispute.ended_at = now
    dispute.outcome = outcome
    dispute.save(update_fields=["status", "ended_at", "outcome"])
    Resolution.objects.filter(dispute=dispute, status=Resolution.Status.PENDING).update(
        status=Resolution.Status.SUPERSEDED, decided_at=now
    )
    _record(dispute, actor=by, kind=kind, summary=summary, outcome=outcome[:1000], **data)
    messaging.conversation_set_read_only(conversation=dispute.conversation, read_only=True)
    word = dispute.get_status_display().lower()
    messaging.message_post_system(
        conversation=dispute.workroom.conversation, body=f"The dispute was {word}."
    )
    _notify(
        [u for u in (dispute.opened_by, dispute.other_party, dispute.mediator) if u and u != by],
        dispute=dispute,
        kind=f"dispute.{status}",
        title=f"The dispute on “{dispute.workroom.title}” was {word}",
    )


def _outcome(outcome: str) -> str:
    errors = {}
    outcome = _clean_text(outcome, field="outcome", label="The outcome", errors=errors)
    if errors:
        raise ValidationError(errors)
    return outcome


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, by, outcome: str) -> Dispute:
    """The mediator records the outcome the parties reached with them."""
    dispute = _lock(dispute)
    _check_assigned(dispute, by)
    _check_active(dispute)
    if dispute.status != Dispute.Status.MEDIATION:
        raise NotAllowed("A mediator resolves disputes in mediation.")
    outcome = _outcome(outcome)
    _end(
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
    check_mediator(by)
    dispute = _lock(dispute)
    _check_active(dispute)
    if dispute.is_party(by):
        raise NotAllowed("You are a party to this dispute and can't close it as a mediator.")
    outcome = _outcome(outcome)
    _end(
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
    dispute = _lock(dispute)
    _check_party(dispute, by)
    _check_active(dispute)
    if by.pk != dispute.opened_by_id:
        raise NotAllowed("Only the person who opened the dispute can withdraw it.")
    note = (note or "").strip()[:TEXT_MAX]
    _end(
        dispute,
        by=by,
        status=Dispute.Status.WITHDRAWN,
        kind=DisputeEvent.Kind.WITHDRAWN,
        outcome=note or f"Withdrawn by {by.name}.",
        summary=f"{by.name} withdrew the dispute." + (f" “{note[:300]}”" if note else ""),
    )
    return dispute


# --- Deadlines (Celery beat) --------------------------------------------------------------------


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
    return changed


@transaction.atomic
def _expire_proposal(pk: int, now) -> int:
    resolution = (
        Resolution.objects.select_for_update().filter(pk=pk, status=Resolution.Status.PENDING)
    ).first()
    if resolution is None or resolution.respond_by > now:
        return 0
    dispute = _lock(resolution.dispute)
    resolution.status = Resolution.Status.EXPIRED
    resolution.decided_at = now
    resolution.save(update_fields=["status", "decided_at"])
    _record(
        dispute,
        actor=None,
        kind=DisputeEvent.Kind.PROPOSAL_EXPIRED,
        summary="The proposal expired without an answer from both parties.",
        resolution=resolution.pk,
    )
    _notify(
        [dispute.opened_by, dispute.other_party, dispute.mediator],
        dispute=dispute,
        kind="dispute.proposal_expired",
        title=f"A proposal expired in the dispute on “{dispute.workroom.title}”",
    )
    return 1


@transaction.atomic
def _expire_stage(pk: int, now) -> int:
    dispute = _lock(Dispute(pk=pk))
    if not dispute.is_active or dispute.stage_expired_at or dispute.stage_due_at > now:
        return 0
    dispute.stage_expired_at = now
    dispute.save(update_fields=["stage_expired_at"])
    if dispute.status == Dispute.Status.OPEN:
        answered = dispute.other_party_answered_at is not None
        summary = (
            f"The response time has passed. {dispute.opened_by.name} can now ask for mediation."
            if answered
            else f"{dispute.other_party.name} did not answer in time. "
            f"{dispute.opened_by.name} can now ask for mediation."
        )
        _record(dispute, actor=None, kind=DisputeEvent.Kind.STAGE_EXPIRED, summary=summary)
        _notify(
            [dispute.opened_by],
            dispute=dispute,
            kind="dispute.escalation_open",
            title=f"You can now ask for mediation on “{dispute.workroom.title}”",
        )
    else:
        _record(
            dispute,
            actor=None,
            kind=DisputeEvent.Kind.STAGE_EXPIRED,
            summary="The mediation is past its target date; the mediators have been reminded.",
            system_line=False,
        )
        for user in [dispute.mediator] if dispute.mediator else _mediators():
            notify(
                user=user,
                kind="dispute.overdue",
                title=f"Dispute #{dispute.pk} is past its mediation target",
                url=reverse("admin:disputes_dispute_change", args=[dispute.pk]),
            )
    return 1
