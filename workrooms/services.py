"""Writes for workrooms. Views, other apps (invitations: accepting opens a room), Celery tasks
and the admin call these.

Every event writes an `Activity` row, posts a compact system line into the room's chat and,
after commit, publishes a `workroom.updated` frame on the room's conversation group, so both
members' open pages refetch the panel that changed.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.money import clean_money, format_money
from core.uploads import WORKROOM_FILE, check_upload, storage_name
from messaging import events
from messaging import services as messaging
from messaging.models import Conversation
from messaging.notifications import notify
from workrooms.models import (
    Activity,
    Call,
    Deadline,
    FileVersion,
    Reminder,
    SharedFile,
    Workroom,
)

PANELS = ("files", "deadlines", "calls", "activity", "status")
CLOSED_TEXT = "This workroom is closed: you can read it and download its files, but not change it."


class WorkroomClosed(PermissionDenied):
    """A write in a closed room."""


class CallOverlap(ValidationError):
    """The proposed time overlaps another call of either party; resend with confirm=True."""

    def __init__(self, calls):
        self.calls = list(calls)
        super().__init__(
            "This time overlaps another call: "
            + "; ".join(
                f"{c.workroom.title} at {c.starts_at:%a %d %b %H:%M} UTC" for c in self.calls
            )
            + ". Schedule it anyway?",
            code="overlap",
        )


# --- Shared plumbing --------------------------------------------------------------------------


def _lock(workroom: Workroom) -> Workroom:
    return Workroom.objects.select_for_update().get(pk=workroom.pk)


def _check_member(workroom: Workroom, user) -> None:
    if not workroom.is_member(user):
        raise PermissionDenied("You are not a member of this workroom.")


def _check_writable(workroom: Workroom) -> None:
    if workroom.status == Workroom.Status.CLOSED:
        raise WorkroomClosed(CLOSED_TEXT)


def _publish(workroom: Workroom, *panels: str) -> None:
    cid = workroom.conversation_id
    for panel in panels:
        frame = {
            "type": "workroom.updated",
            "conversation": cid,
            "workroom": workroom.pk,
            "panel": panel,
        }
        events.publish_on_commit(
            events.conversation_group(cid), events.live_event(frame, conversation=cid)
        )


def _record(workroom: Workroom, *, actor, kind: str, summary: str, panel: str, **data) -> Activity:
    """One event: an Activity row, a system line in the chat, live updates for both pages."""
    activity = Activity.objects.create(
        workroom=workroom, actor=actor, kind=kind, summary=summary[:500], data=data
    )
    messaging.message_post_system(conversation=workroom.conversation, body=summary[:500])
    _publish(workroom, panel, "activity")
    return activity


def _room_url(workroom: Workroom, anchor: str = "") -> str:
    return reverse("workrooms:detail", args=[workroom.pk]) + (f"#{anchor}" if anchor else "")


# --- Opening, status --------------------------------------------------------------------------


@transaction.atomic
def workroom_open(
    *, client, freelancer, title: str, job=None, notify_freelancer: bool = True
) -> Workroom:
    """Open a workroom (a contract) between a client and a freelancer, with its chat.

    The freelancer is told, unless they opened it themselves by accepting an invitation.
    """
    if not client.is_client:
        raise PermissionDenied("Only clients open workrooms.")
    if not freelancer.is_freelancer:
        raise ValidationError("A workroom is opened with a freelancer.")
    title = (title or "").strip()
    if not title:
        raise ValidationError("Give the workroom a title.")
    conversation = messaging.conversation_create(
        kind=Conversation.Kind.WORKROOM, title=title[:200], members=[client, freelancer]
    )
    workroom = Workroom.objects.create(
        title=title[:200], client=client, freelancer=freelancer, job=job, conversation=conversation
    )
    messaging.conversation_set_home(conversation=conversation, url=workroom.get_absolute_url())
    messaging.message_post_system(
        conversation=conversation,
        body=f"{client.name} opened this workroom with {freelancer.name}.",
    )
    for member, role in ((client, "client"), (freelancer, "freelancer")):
        Activity.objects.create(
            workroom=workroom,
            actor=member,
            kind=Activity.Kind.MEMBER_JOINED,
            summary=f"{member.name} joined as the {role}.",
        )
    if notify_freelancer:
        notify(
            user=freelancer,
            kind="workroom.opened",
            title=f"{client.name} opened the workroom “{workroom.title}” with you",
            url=_room_url(workroom),
        )
    return workroom


STATUS_MOVES = {
    Workroom.Status.ACTIVE: {Workroom.Status.PAUSED, Workroom.Status.CLOSED},
    Workroom.Status.PAUSED: {Workroom.Status.ACTIVE, Workroom.Status.CLOSED},
    Workroom.Status.CLOSED: set(),
}


@transaction.atomic
def workroom_set_status(*, workroom: Workroom, by, status: str) -> Workroom:
    """The client pauses, resumes or closes the room. Closing is final and makes the chat
    read-only; the room stays readable and downloadable for both."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    if by.pk != workroom.client_id:
        raise PermissionDenied("Only the client can pause or close the workroom.")
    if status not in STATUS_MOVES.get(workroom.status, set()):
        if workroom.status == Workroom.Status.CLOSED:
            raise WorkroomClosed(CLOSED_TEXT)
        raise ValidationError(f"The workroom is already {workroom.get_status_display().lower()}.")
    before = workroom.status
    workroom.status = status
    workroom.save(update_fields=["status"])
    verb = {"active": "resumed", "paused": "paused", "closed": "closed"}[status]
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.STATUS_CHANGED,
        summary=f"{by.name} {verb} the workroom.",
        panel="status",
        before=before,
        after=status,
    )
    if status == Workroom.Status.CLOSED:
        messaging.conversation_set_read_only(conversation=workroom.conversation, read_only=True)
    return workroom


# --- Files --------------------------------------------------------------------------------------


@transaction.atomic
def file_share(*, workroom: Workroom, by, uploaded_file, description: str = "") -> FileVersion:
    """Share a file; a file with the name of one already shared becomes its next version.
    A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    checked = check_upload(uploaded_file, WORKROOM_FILE)
    name = checked.display_name
    description = (description or "").strip()[:500]

    now = timezone.now()
    shared = (
        SharedFile.objects.select_for_update()
        .filter(workroom=workroom, name=name, deleted_at__isnull=True)
        .first()
    )
    new_file = shared is None
    if new_file:
        shared = SharedFile.objects.create(
            workroom=workroom, name=name, description=description, uploaded_by=by, updated_at=now
        )
    version = FileVersion(
        shared_file=shared,
        number=shared.version_count + 1,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    # All checks ran before this point, so a refused file never reaches storage.
    version.file.save(checked.storage_name, checked.content, save=False)
    try:
        if checked.preview:
            version.thumbnail.save(storage_name(), ContentFile(checked.preview), save=False)
        version.save()
    except Exception:
        version.file.delete(save=False)
        if version.thumbnail:
            version.thumbnail.delete(save=False)
        raise

    shared.version_count = version.number
    shared.current_version = version
    shared.updated_at = now
    if description:
        shared.description = description
    shared.save(update_fields=["version_count", "current_version", "updated_at", "description"])
    if new_file:
        summary = f"{by.name} shared {name}."
        kind = Activity.Kind.FILE_SHARED
    else:
        summary = f"{by.name} uploaded version {version.number} of {name}."
        kind = Activity.Kind.FILE_VERSION
    _record(
        workroom,
        actor=by,
        kind=kind,
        summary=summary,
        panel="files",
        file=shared.pk,
        version=version.number,
        sha256=version.sha256,
    )
    other = workroom.other_member(by)
    notify(user=other, kind=kind, title=summary, url=_room_url(workroom, "files"))
    return version


@transaction.atomic
def file_delete(*, workroom: Workroom, by, shared_file: SharedFile) -> SharedFile:
    """The uploader deletes a file: it stays in the history, its downloads answer 404."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    shared = SharedFile.objects.select_for_update().get(pk=shared_file.pk, workroom=workroom)
    if shared.deleted:
        raise ValidationError("This file was already deleted.")
    if shared.uploaded_by_id != by.pk:
        raise PermissionDenied("Only the person who shared a file can delete it.")
    shared.deleted_at = timezone.now()
    shared.deleted_by = by
    shared.save(update_fields=["deleted_at", "deleted_by"])
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.FILE_DELETED,
        summary=f"{by.name} deleted {shared.name}.",
        panel="files",
        file=shared.pk,
    )
    return shared


# --- Deadlines ----------------------------------------------------------------------------------


def _money(amount, currency) -> str:
    return f" ({format_money(amount, currency)})" if amount is not None else ""


def _clean_deadline_fields(*, title, due_at, amount, currency):
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the deadline a title."
    if due_at is None or timezone.is_naive(due_at):
        errors["due_at"] = "Give a due date and time."
    try:
        amount, currency = clean_money(amount, currency)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return title[:200], amount, currency


@transaction.atomic
def deadline_set(
    *,
    workroom: Workroom,
    by,
    title: str,
    due_at,
    description: str = "",
    amount=None,
    currency: str = "",
    now=None,
) -> Deadline:
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    if by.pk != workroom.client_id:
        raise PermissionDenied("Only the client sets deadlines.")
    title, amount, currency = _clean_deadline_fields(
        title=title, due_at=due_at, amount=amount, currency=currency
    )
    if due_at <= (now or timezone.now()):
        raise ValidationError({"due_at": "The due date is in the past: pick a later moment."})
    deadline = Deadline.objects.create(
        workroom=workroom,
        title=title,
        description=(description or "").strip(),
        due_at=due_at,
        amount=amount,
        currency=currency,
        created_by=by,
    )
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.DEADLINE_SET,
        summary=f"{by.name} set the deadline “{title}”{_money(amount, currency)}, "
        f"due {due_at:%a %d %b %Y %H:%M} UTC.",
        panel="deadlines",
        deadline=deadline.pk,
        due_at=due_at.isoformat(),
    )
    notify(
        user=workroom.freelancer,
        kind="deadline.set",
        title=f"New deadline in {workroom.title}: {title}",
        url=_room_url(workroom, "deadlines"),
    )
    return deadline


def _locked_deadline(workroom: Workroom, deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().get(pk=deadline.pk, workroom=workroom)


@transaction.atomic
def deadline_update(
    *,
    workroom: Workroom,
    deadline: Deadline,
    by,
    title: str,
    due_at,
    description: str = "",
    amount=None,
    currency: str = "",
    now=None,
) -> Deadline:
    """The client edits a deadline that is not approved; a moved due date is in the history
    (and re-arms its reminders)."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    if by.pk != workroom.client_id:
        raise PermissionDenied("Only the client edits deadlines.")
    deadline = _locked_deadline(workroom, deadline)
    if deadline.status == Deadline.Status.APPROVED:
        raise ValidationError("This deadline is approved and can no longer be changed.")
    title, amount, currency = _clean_deadline_fields(
        title=title, due_at=due_at, amount=amount, currency=currency
    )
    moved = due_at != deadline.due_at
    if moved and due_at <= (now or timezone.now()):
        raise ValidationError({"due_at": "The new due date is in the past: pick a later moment."})
    before = deadline.due_at
    deadline.title = title
    deadline.description = (description or "").strip()
    deadline.due_at = due_at
    deadline.amount = amount
    deadline.currency = currency
    deadline.save()
    if moved:
        summary = (
            f"{by.name} moved the deadline “{title}” from {before:%a %d %b %H:%M} "
            f"to {due_at:%a %d %b %Y %H:%M} UTC."
        )
    else:
        summary = f"{by.name} edited the deadline “{title}”."
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.DEADLINE_CHANGED,
        summary=summary,
        panel="deadlines",
        deadline=deadline.pk,
        due_before=before.isoformat(),
        due_after=due_at.isoformat(),
    )
    return deadline


@transaction.atomic
def deadline_submit(
    *, workroom: Workroom, deadline: Deadline, by, note: str = "", versions=()
) -> Deadline:
    """The freelancer delivers: a note and the exact file versions."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    if by.pk != workroom.freelancer_id:
        raise PermissionDenied("Only the freelancer submits work for a deadline.")
    deadline = _locked_deadline(workroom, deadline)
    if deadline.status != Deadline.Status.PENDING:
        raise ValidationError(
            f"This deadline is {deadline.get_status_display().lower()}: it can't be submitted now."
        )
    version_ids = [v.pk if isinstance(v, FileVersion) else int(v) for v in versions]
    delivered = list(
        FileVersion.objects.filter(
            pk__in=version_ids,
            shared_file__workroom=workroom,
            shared_file__deleted_at__isnull=True,
        ).select_related("shared_file")
    )
    if len(delivered) != len(set(version_ids)):
        raise ValidationError({"versions": "A chosen file is no longer available."})
    if not (note or "").strip() and not delivered:
        raise ValidationError({"note": "Add a note or choose the files you deliver."})
    deadline.status = Deadline.Status.SUBMITTED
    deadline.submitted_at = timezone.now()
    deadline.submission_note = (note or "").strip()
    deadline.changes_requested = False
    deadline.save()
    deadline.delivered_versions.set(delivered)
    files = ", ".join(f"{v.shared_file.name} v{v.number}" for v in delivered)
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.DEADLINE_SUBMITTED,
        summary=f"{by.name} submitted “{deadline.title}”" + (f" with {files}." if files else "."),
        panel="deadlines",
        deadline=deadline.pk,
        versions=[v.pk for v in delivered],
    )
    notify(
        user=workroom.client,
        kind="deadline.submitted",
        title=f"{by.name} submitted “{deadline.title}” for review",
        url=_room_url(workroom, "deadlines"),
    )
    return deadline


@transaction.atomic
def deadline_review(
    *, workroom: Workroom, deadline: Deadline, by, approve: bool, note: str = ""
) -> Deadline:
    """The client approves a submission, or requests changes (back to pending)."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    if by.pk != workroom.client_id:
        raise PermissionDenied("Only the client reviews a submission; you can't approve your own.")
    deadline = _locked_deadline(workroom, deadline)
    if deadline.status != Deadline.Status.SUBMITTED:
        raise ValidationError("There is no submission to review for this deadline.")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "Say what needs to change."})
    deadline.reviewed_at = timezone.now()
    deadline.review_note = note
    if approve:
        deadline.status = Deadline.Status.APPROVED
        deadline.changes_requested = False
        kind, verb = Activity.Kind.DEADLINE_APPROVED, "approved"
    else:
        deadline.status = Deadline.Status.PENDING
        deadline.changes_requested = True
        kind, verb = Activity.Kind.DEADLINE_CHANGES, "requested changes to"
    deadline.save()
    _record(
        workroom,
        actor=by,
        kind=kind,
        summary=f"{by.name} {verb} “{deadline.title}”.",
        panel="deadlines",
        deadline=deadline.pk,
        note=note,
    )
    notify(
        user=workroom.freelancer,
        kind=kind,
        title=f"{by.name} {verb} “{deadline.title}”",
        url=_room_url(workroom, "deadlines"),
    )
    return deadline


# --- Calls ------------------------------------------------------------------------------------


def _overlapping_calls(*, users, starts_at, ends_at, exclude=None):
    member_of = Q(workroom__client__in=users) | Q(workroom__freelancer__in=users)
    calls = (
        Call.objects.filter(member_of)
        .exclude(status=Call.Status.CANCELLED)
        .filter(starts_at__lt=ends_at, starts_at__gte=starts_at - timedelta(hours=8))
        .select_related("workroom")
    )
    if exclude is not None:
        calls = calls.exclude(pk=exclude.pk)
    return [c for c in calls if c.ends_at > starts_at]


def _check_call_fields(*, starts_at, duration_minutes, agenda, now):
    errors = {}
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "Give a start date and time."
    elif starts_at <= now:
        errors["starts_at"] = "This time is in the past: pick a later one."
    if not (5 <= int(duration_minutes or 0) <= 480):
        errors["duration_minutes"] = "A call lasts between 5 minutes and 8 hours."
    if not (agenda or "").strip():
        errors["agenda"] = "Write an agenda, so both of you can prepare."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_propose(
    *,
    workroom: Workroom,
    by,
    starts_at,
    duration_minutes: int,
    agenda: str,
    confirm: bool = False,
    now=None,
) -> Call:
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    _check_call_fields(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        agenda=agenda,
        now=now or timezone.now(),
    )
    ends_at = starts_at + timedelta(minutes=int(duration_minutes))
    if not confirm:
        clashes = _overlapping_calls(
            users=[workroom.client_id, workroom.freelancer_id], starts_at=starts_at, ends_at=ends_at
        )
        if clashes:
            raise CallOverlap(clashes)
    call = Call.objects.create(
        workroom=workroom,
        proposed_by=by,
        starts_at=starts_at,
        duration_minutes=int(duration_minutes),
        agenda=agenda.strip(),
    )
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_PROPOSED,
        summary=f"{by.name} proposed a call on {starts_at:%a %d %b %Y %H:%M} UTC "
        f"({call.duration_minutes} min).",
        panel="calls",
        call=call.pk,
    )
    notify(
        user=workroom.other_member(by),
        kind="call.proposed",
        title=f"{by.name} proposed a call in {workroom.title}",
        url=_room_url(workroom, "calls"),
    )
    return call


def _locked_call(workroom, call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk, workroom=workroom)


@transaction.atomic
def call_accept(*, workroom: Workroom, call: Call, by) -> Call:
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    call = _locked_call(workroom, call)
    if call.status != Call.Status.PROPOSED:
        raise ValidationError(f"This call is {call.get_status_display().lower()} already.")
    if call.proposed_by_id == by.pk:
        raise PermissionDenied("The other person accepts the time you proposed.")
    call.status = Call.Status.ACCEPTED
    call.sequence += 1
    call.save()
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_ACCEPTED,
        summary=f"{by.name} accepted the call on {call.starts_at:%a %d %b %Y %H:%M} UTC.",
        panel="calls",
        call=call.pk,
    )
    notify(
        user=workroom.other_member(by),
        kind="call.accepted",
        title=f"{by.name} accepted the call",
        url=_room_url(workroom, "calls"),
    )
    return call


@transaction.atomic
def call_reschedule(
    *,
    workroom: Workroom,
    call: Call,
    by,
    starts_at,
    duration_minutes: int,
    agenda: str | None = None,
    confirm: bool = False,
    now=None,
) -> Call:
    """Propose another time: the call goes back to proposed, now from this person."""
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    call = _locked_call(workroom, call)
    if call.status == Call.Status.CANCELLED:
        raise ValidationError("This call was cancelled.")
    agenda = call.agenda if agenda is None or not agenda.strip() else agenda
    _check_call_fields(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        agenda=agenda,
        now=now or timezone.now(),
    )
    ends_at = starts_at + timedelta(minutes=int(duration_minutes))
    if not confirm:
        clashes = _overlapping_calls(
            users=[workroom.client_id, workroom.freelancer_id],
            starts_at=starts_at,
            ends_at=ends_at,
            exclude=call,
        )
        if clashes:
            raise CallOverlap(clashes)
    before = call.starts_at
    call.starts_at = starts_at
    call.duration_minutes = int(duration_minutes)
    call.agenda = agenda.strip()
    call.proposed_by = by
    call.status = Call.Status.PROPOSED
    call.sequence += 1
    call.save()
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_RESCHEDULED,
        summary=f"{by.name} proposed another time for the call: {starts_at:%a %d %b %Y %H:%M} "
        f"UTC instead of {before:%a %d %b %H:%M}.",
        panel="calls",
        call=call.pk,
    )
    notify(
        user=workroom.other_member(by),
        kind="call.rescheduled",
        title=f"{by.name} proposed another time for your call",
        url=_room_url(workroom, "calls"),
    )
    return call


@transaction.atomic
def call_cancel(*, workroom: Workroom, call: Call, by, note: str = "") -> Call:
    workroom = _lock(workroom)
    _check_member(workroom, by)
    _check_writable(workroom)
    call = _locked_call(workroom, call)
    if call.status == Call.Status.CANCELLED:
        raise ValidationError("This call was already cancelled.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why, so the other person knows."})
    call.status = Call.Status.CANCELLED
    call.cancel_note = note
    call.sequence += 1
    call.save()
    _record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_CANCELLED,
        summary=f"{by.name} cancelled the call on {call.starts_at:%a %d %b %H:%M} UTC: {note}",
        panel="calls",
        call=call.pk,
        note=note,
    )
    notify(
        user=workroom.other_member(by),
        kind="call.cancelled",
        title=f"{by.name} cancelled the call",
        url=_room_url(workroom, "calls"),
    )
    return call


# --- Reminders (Celery beat every minute; also `manage.py workroom_reminders`) -------------------


@dataclass
class ReminderPlan:
    deadline: Deadline | None
    call: Call | None
    kind: str
    for_moment: object


def _deadline_reminder_kind(deadline: Deadline, now) -> str | None:
    left = deadline.due_at - now
    if left <= timedelta(0):
        return Reminder.Kind.OVERDUE
    if left <= timedelta(hours=1):
        return Reminder.Kind.DUE_1H
    if left <= timedelta(hours=24):
        return Reminder.Kind.DUE_24H
    return None


def reminders_send(*, now=None) -> int:
    """Send every reminder that is due and not sent yet; returns how many were sent.

    Deadlines (pending, room not closed): 24 h before, 1 h before and once overdue; a reminder
    whose window was missed (a deadline set 30 minutes ahead) is skipped for the later one.
    Calls (proposed or accepted): 15 minutes before. Each is recorded in `Reminder` in the
    same transaction as its notifications, so retried or concurrent runs send it once.
    """
    now = now or timezone.now()
    plans: list[ReminderPlan] = []
    deadlines = Deadline.objects.filter(
        status=Deadline.Status.PENDING,
        due_at__lte=now + timedelta(hours=24),
        due_at__gte=now - timedelta(days=30),
    ).exclude(workroom__status=Workroom.Status.CLOSED)
    for deadline in deadlines:
        kind = _deadline_reminder_kind(deadline, now)
        if kind:
            plans.append(ReminderPlan(deadline, None, kind, deadline.due_at))
    calls = Call.objects.filter(
        status__in=[Call.Status.PROPOSED, Call.Status.ACCEPTED],
        starts_at__gt=now,
        starts_at__lte=now + timedelta(minutes=15),
    ).exclude(workroom__status=Workroom.Status.CLOSED)
    for call in calls:
        plans.append(ReminderPlan(None, call, Reminder.Kind.CALL_15M, call.starts_at))
    return sum(1 for plan in plans if _send_reminder(plan))


def _send_reminder(plan: ReminderPlan) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                deadline=plan.deadline, call=plan.call, kind=plan.kind, for_moment=plan.for_moment
            )
            target = plan.deadline or plan.call
            workroom = Workroom.objects.select_related("client", "freelancer").get(
                pk=target.workroom_id
            )
            if plan.deadline:
                title = {
                    Reminder.Kind.DUE_24H: f"“{plan.deadline.title}” is due within 24 hours",
                    Reminder.Kind.DUE_1H: f"“{plan.deadline.title}” is due within the hour",
                    Reminder.Kind.OVERDUE: f"“{plan.deadline.title}” is overdue",
                }[plan.kind]
                overdue = plan.kind == Reminder.Kind.OVERDUE
                kind = "deadline.overdue" if overdue else "deadline.due_soon"
                anchor = "deadlines"
            else:
                title = f"Your call in {workroom.title} starts in 15 minutes"
                kind, anchor = "call.soon", "calls"
            for user in (workroom.client, workroom.freelancer):
                notify(user=user, kind=kind, title=title, url=_room_url(workroom, anchor))
            if plan.kind == Reminder.Kind.OVERDUE:
                _publish(workroom, "deadlines")
    except IntegrityError:
        return False  # already sent (by an earlier or a concurrent run)
    return True
