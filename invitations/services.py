"""Writes for jobs and invitations. Views, the expiry task, the command and the admin call these.

Every state change of an invitation locks its row first, so two clicks (two tabs, a click and
the expiry sweep) cannot both win: the second one finds the new state and is refused.
"""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed, NotFound
from core.money import clean_amount, format_money
from invitations.job_fields import Budget, clean_job_fields
from invitations.models import (
    EXPIRY_DAYS_CHOICES,
    EXPIRY_DAYS_DEFAULT,
    NOTE_MAX_LENGTH,
    REMINDER_BEFORE,
    Invitation,
    Job,
)
from messaging import services as messaging
from messaging.notifications import notify
from profiles.services import clean_skill_names, response_time_record, skill_get_or_create
from workrooms.models import Workroom
from workrooms.services import workroom_open

# A block between the two, whichever side blocked: the blocked person learns no more than this.
BLOCKED_INVITE = "You can't invite this person."
BLOCKED_ACCEPT = "You can't accept this invitation."

# The accepted invitation's note is posted with a client_id derived from the invitation, so a
# retried accept can never post it twice (messaging stores one message per sender+client_id).
NOTE_CLIENT_ID_NAMESPACE = uuid.UUID("5f0c3a52-8d1e-4d55-9a43-2f6b1f0c7e11")


class InvitationClosed(Invalid):
    """The invitation can no longer be answered or withdrawn (answered, withdrawn, expired), or
    its job has closed. The detail says which."""

    code = "invitation_closed"


class ConductWarning(Invalid):
    """The acceptance note proposes paying or talking off Tandem: nothing was stored. Accept
    again with confirm=True to send it anyway (it is then flagged for review). `reasons` are
    the conduct check's, for the form to list."""

    code = "conduct_warning"

    def __init__(self, reasons):
        super().__init__("This note may break Tandem's rules.")
        self.reasons = reasons


# --- Jobs ------------------------------------------------------------------------------------


def _skills(names) -> list:
    try:
        return [skill_get_or_create(name=name) for name in clean_skill_names(names or [])]
    except ValidationError as error:
        raise ValidationError({"skills": error.messages}) from None


def _locked_job(job: Job, by) -> Job:
    """The job, locked, if `by` is its client; to anyone else there is no such job."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.client_id != by.pk:
        raise NotFound("No such job.")
    return job


@transaction.atomic
def job_create(*, client, title: str, description: str = "", budget: Budget, skills=()) -> Job:
    if not client.is_client:
        raise NotAllowed("Only clients post jobs.")
    fields = clean_job_fields(title=title, description=description, budget=budget)
    skill_objects = _skills(skills)
    job = Job.objects.create(client=client, **fields)
    job.skills.set(skill_objects)
    return job


@transaction.atomic
def job_update(*, job: Job, by, title: str, description: str = "", budget: Budget, skills=()):
    job = _locked_job(job, by)
    if not job.is_open:
        raise Invalid("This job is closed: it can't be edited any more.")
    fields = clean_job_fields(title=title, description=description, budget=budget)
    skill_objects = _skills(skills)
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    job.skills.set(skill_objects)
    return job


@transaction.atomic
def job_close(*, job: Job, by, now: datetime | None = None) -> Job:
    """Close a job; its pending invitations are withdrawn (nobody can accept a closed job)."""
    now = now or timezone.now()
    job = _locked_job(job, by)
    if not job.is_open:
        return job
    job.status = Job.Status.CLOSED
    job.closed_at = now
    job.save(update_fields=["status", "closed_at", "updated_at"])
    pending = Invitation.objects.filter(job=job, status=Invitation.Status.PENDING)
    for invitation_id in list(pending.values_list("pk", flat=True)):
        _withdraw(invitation_id=invitation_id, now=now, reason="the job was closed")
    return job


# --- Sending ---------------------------------------------------------------------------------


def _clean_note(note, *, field: str = "note", required: bool = True) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({field: "Write a note: a personal word gets a better answer."})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: f"Keep the note to {NOTE_MAX_LENGTH:,} characters (it has {len(note):,})."}
        )
    return note


def note_template(*, client, freelancer, job: Job | None = None) -> str:
    """The friendly start of an invitation note, for the client to make their own."""
    what = f"my job “{job.title}”" if job else "a job of mine"
    return (
        f"Hi {freelancer.get_short_name()},\n\n"
        f"I came across your profile and I think you'd be a great fit for {what}. "
        "I've put the details in the job description.\n\n"
        "Would you be interested? I'm happy to answer any questions.\n\n"
        f"Thanks,\n{client.get_short_name()}"
    )


def invitation_check_allowed(*, by, freelancer) -> None:
    """Refuse (NotAllowed) an invitation `by` may not send `freelancer` whatever the job: one of
    them blocks the other. The invite page asks before it shows its form; `invitation_send`
    asks again."""
    messaging.check_not_blocked_between(by, freelancer, text=BLOCKED_INVITE)


@transaction.atomic
def invitation_send(
    *,
    job: Job,
    freelancer,
    by,
    note: str,
    expires_in_days: int = EXPIRY_DAYS_DEFAULT,
    now: datetime | None = None,
) -> Invitation:
    """Invite a freelancer to one of the client's open jobs, with a personal note."""
    now = now or timezone.now()
    job = _locked_job(job, by)
    if not job.is_open:
        raise Invalid("This job is closed: open a new one to invite someone.", field="job")
    if freelancer is None or not freelancer.is_active or not freelancer.is_freelancer:
        raise Invalid("Only freelancers can be invited to a job.")
    if freelancer.pk == by.pk:
        raise Invalid("You can't invite yourself.")
    invitation_check_allowed(by=by, freelancer=freelancer)
    note = _clean_note(note)
    if expires_in_days not in dict(EXPIRY_DAYS_CHOICES):
        raise ValidationError({"expires_in_days": "Choose how long the invitation stays open."})
    duplicate = Invalid(
        f"{freelancer.name} already has a pending invitation to “{job.title}”.", field="job"
    )
    if Invitation.objects.filter(
        job=job, freelancer=freelancer, status=Invitation.Status.PENDING
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                job=job,
                freelancer=freelancer,
                note=note,
                created_at=now,
                expires_at=now + timedelta(days=expires_in_days),
            )
    except IntegrityError:  # the partial unique constraint: a concurrent send won
        raise duplicate from None
    notify(
        user=freelancer,
        kind="invitation.new",
        title=f"{by.name} invited you to “{job.title}”",
        url=invitation.get_absolute_url(),
        body=note[:300],
    )
    return invitation


# --- Answering -------------------------------------------------------------------------------

CLOSED_MESSAGES = {
    Invitation.Status.ACCEPTED: "This invitation was already accepted.",
    Invitation.Status.DECLINED: "This invitation was already declined.",
    Invitation.Status.EXPIRED: "This invitation has expired: it can no longer be answered.",
    Invitation.Status.WITHDRAWN: "The client withdrew this invitation.",
}


def _locked(invitation_id) -> Invitation:
    # of=("self",): lock the invitation only, not the joined rows (PostgreSQL would lock them
    # all, and in another order than other services take them).
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("job", "job__client", "freelancer")
        .get(pk=invitation_id)
    )


def _check_open(invitation: Invitation, now: datetime) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationClosed(CLOSED_MESSAGES[invitation.status])
    if invitation.expires_at <= now:
        raise InvitationClosed(CLOSED_MESSAGES[Invitation.Status.EXPIRED])


def _locked_to_answer(invitation: Invitation, by, now: datetime) -> Invitation:
    """The invitation, locked, if it is addressed to `by` and still open."""
    invitation = _locked(invitation.pk)
    if invitation.freelancer_id != by.pk:
        raise NotFound("No such invitation.")
    _check_open(invitation, now)
    return invitation


def _record_response_time(invitation: Invitation, now: datetime) -> None:
    response_time_record(
        user=invitation.freelancer,
        kind="invitation",
        started_at=invitation.created_at,
        responded_at=max(now, invitation.created_at),
    )


def note_client_id(invitation: Invitation) -> uuid.UUID:
    return uuid.uuid5(NOTE_CLIENT_ID_NAMESPACE, f"invitation:{invitation.pk}")


def _first_message(invitation: Invitation) -> str:
    body = invitation.response_note
    if invitation.proposed_rate is not None:
        job = invitation.job
        unit = " an hour" if job.budget_type == Job.BudgetType.HOURLY else " for the job"
        body += f"\n\nProposed rate: {format_money(invitation.proposed_rate, job.currency)}{unit}"
    return body


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    by,
    note: str,
    proposed_rate: Decimal | None = None,
    confirm: bool = False,
    now: datetime | None = None,
) -> Workroom:
    """Accept: open the workroom, post the freelancer's note as its first message, tell the
    client. All or nothing, with the invitation row locked."""
    now = now or timezone.now()
    invitation = _locked_to_answer(invitation, by, now)
    note = _clean_note(note, field="response_note")
    try:
        proposed_rate = clean_amount(proposed_rate, noun="rate")
    except ValidationError as error:
        raise ValidationError({"proposed_rate": error.messages}) from None
    job = invitation.job
    if not job.is_open:
        raise InvitationClosed("This job is closed.")
    # Sent before a block: answering no stays possible, a workroom between them does not.
    messaging.check_not_blocked_between(by, job.client, text=BLOCKED_ACCEPT)

    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = invitation.closed_at = now
    invitation.response_note = note
    invitation.proposed_rate = proposed_rate
    workroom = workroom_open(
        client=job.client, freelancer=by, title=job.title, job=job, notify_freelancer=False
    )
    invitation.workroom = workroom
    invitation.save()

    result = messaging.message_send(
        conversation_id=workroom.conversation_id,
        sender=by,
        body=_first_message(invitation),
        client_id=note_client_id(invitation),
        rate_limited=False,
        confirm=confirm,
    )
    if result.warning:
        # Roll everything back: the freelancer edits the note or confirms it.
        raise ConductWarning(result.warning)
    _record_response_time(invitation, now)
    notify(
        user=job.client,
        kind="invitation.accepted",
        title=f"{by.name} accepted your invitation to “{job.title}”",
        url=workroom.get_absolute_url(),
        body=note[:300],
    )
    return workroom


@transaction.atomic
def invitation_decline(
    *, invitation: Invitation, by, reason: str, note: str = "", now: datetime | None = None
) -> Invitation:
    now = now or timezone.now()
    invitation = _locked_to_answer(invitation, by, now)
    if reason not in Invitation.DeclineReason.values:
        raise ValidationError({"decline_reason": "Choose a reason."})
    note = _clean_note(note, field="decline_note", required=reason == "other")
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = invitation.closed_at = now
    invitation.decline_reason = reason
    invitation.response_note = note
    invitation.save()
    _record_response_time(invitation, now)
    job = invitation.job
    notify(
        user=job.client,
        kind="invitation.declined",
        title=f"{by.name} declined your invitation to “{job.title}”",
        url=invitation.get_absolute_url(),
        body=invitation.get_decline_reason_display() + (f": {note[:250]}" if note else ""),
    )
    return invitation


def _withdraw(*, invitation_id, now: datetime, reason: str = "") -> Invitation:
    invitation = _locked(invitation_id)
    if invitation.status != Invitation.Status.PENDING:
        # Answered while a job_close waited for this row: the answer stands.
        return invitation
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.closed_at = now
    invitation.save(update_fields=["status", "closed_at"])
    job = invitation.job
    notify(
        user=invitation.freelancer,
        kind="invitation.withdrawn",
        title=f"{job.client.name} withdrew the invitation to “{job.title}”"
        + (f": {reason}" if reason else ""),
        url=invitation.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = _locked(invitation.pk)
    if invitation.job.client_id != by.pk:
        raise NotFound("No such invitation.")
    _check_open(invitation, now)
    return _withdraw(invitation_id=invitation.pk, now=now)


# --- Time: reminders and expiry (Celery beat, or `manage.py expire_invitations`) ------------


def invitations_remind(*, now: datetime | None = None) -> int:
    """Tell each freelancer once when a pending invitation has 24 hours or less left."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        reminder_sent_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for invitation_id in list(due):
        with transaction.atomic():
            invitation = _locked(invitation_id)
            if (
                invitation.status != Invitation.Status.PENDING
                or invitation.reminder_sent_at is not None
                or not now < invitation.expires_at <= now + REMINDER_BEFORE
            ):
                continue
            invitation.reminder_sent_at = now
            invitation.save(update_fields=["reminder_sent_at"])
            job = invitation.job
            notify(
                user=invitation.freelancer,
                kind="invitation.expiring",
                title=f"24 hours left to answer {job.client.name}'s invitation to “{job.title}”",
                url=invitation.get_absolute_url(),
            )
            sent += 1
    return sent


def invitations_expire(*, now: datetime | None = None) -> int:
    """Mark pending invitations past their time as expired and tell both people."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__lte=now
    ).values_list("pk", flat=True)
    expired = 0
    for invitation_id in list(due):
        with transaction.atomic():
            invitation = _locked(invitation_id)
            if invitation.status != Invitation.Status.PENDING or invitation.expires_at > now:
                continue  # answered or withdrawn since the query above
            invitation.status = Invitation.Status.EXPIRED
            invitation.closed_at = now
            invitation.save(update_fields=["status", "closed_at"])
            job, freelancer = invitation.job, invitation.freelancer
            url = invitation.get_absolute_url()
            notify(
                user=freelancer,
                kind="invitation.expired",
                title=f"{job.client.name}'s invitation to “{job.title}” expired",
                url=url,
            )
            notify(
                user=job.client,
                kind="invitation.expired",
                title=f"Your invitation to {freelancer.name} for “{job.title}” expired",
                url=url,
            )
            expired += 1
    return expired


def invitations_sweep(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {"reminded": invitations_remind(now=now), "expired": invitations_expire(now=now)}
