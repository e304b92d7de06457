"""Deadlines (milestones): the client sets and edits them, the freelancer submits work, the
client approves it or asks for changes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import Invalid
from core.money import clean_money, format_money
from workrooms.models import Activity, Deadline, FileVersion, Workroom

from ._common import guarded, locked_in, record, utc


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
    workroom = guarded(workroom, by, role="client", refused="Only the client sets deadlines.")
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
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.DEADLINE_SET,
        summary=f"{by.name} set the deadline “{title}”{_money(amount, currency)}, "
        f"due {utc(due_at):%a %d %b %Y %H:%M} UTC.",
        panel="deadlines",
        tell=workroom.freelancer,
        title=f"New deadline in {workroom.title}: {title}",
        deadline=deadline.pk,
        due_at=due_at.isoformat(),
    )
    return deadline


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
    workroom = guarded(workroom, by, role="client", refused="Only the client edits deadlines.")
    deadline = locked_in(workroom, Deadline, deadline)
    if deadline.status == Deadline.Status.APPROVED:
        raise Invalid("This deadline is approved and can no longer be changed.")
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
            f"{by.name} moved the deadline “{title}” from {utc(before):%a %d %b %H:%M} "
            f"to {utc(due_at):%a %d %b %Y %H:%M} UTC."
        )
    else:
        summary = f"{by.name} edited the deadline “{title}”."
    record(
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


def _deliverable(workroom: Workroom, versions) -> list[FileVersion]:
    """The chosen versions of the room's live files; refused if one is no longer there."""
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
    return delivered


@transaction.atomic
def deadline_submit(
    *, workroom: Workroom, deadline: Deadline, by, note: str = "", versions=()
) -> Deadline:
    """The freelancer delivers: a note and the exact file versions."""
    workroom = guarded(
        workroom, by, role="freelancer", refused="Only the freelancer submits work for a deadline."
    )
    deadline = locked_in(workroom, Deadline, deadline)
    if deadline.status != Deadline.Status.PENDING:
        raise Invalid(
            f"This deadline is {deadline.get_status_display().lower()}: it can't be submitted now."
        )
    delivered = _deliverable(workroom, versions)
    if not (note or "").strip() and not delivered:
        raise ValidationError({"note": "Add a note or choose the files you deliver."})
    deadline.status = Deadline.Status.SUBMITTED
    deadline.submitted_at = timezone.now()
    deadline.submission_note = (note or "").strip()
    deadline.changes_requested = False
    deadline.save()
    deadline.delivered_versions.set(delivered)
    files = ", ".join(f"{v.shared_file.name} v{v.number}" for v in delivered)
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.DEADLINE_SUBMITTED,
        summary=f"{by.name} submitted “{deadline.title}”" + (f" with {files}." if files else "."),
        panel="deadlines",
        tell=workroom.client,
        title=f"{by.name} submitted “{deadline.title}” for review",
        deadline=deadline.pk,
        versions=[v.pk for v in delivered],
    )
    return deadline


@transaction.atomic
def deadline_review(
    *, workroom: Workroom, deadline: Deadline, by, approve: bool, note: str = ""
) -> Deadline:
    """The client approves a submission, or requests changes (back to pending)."""
    workroom = guarded(
        workroom,
        by,
        role="client",
        refused="Only the client reviews a submission; you can't approve your own.",
    )
    deadline = locked_in(workroom, Deadline, deadline)
    if deadline.status != Deadline.Status.SUBMITTED:
        raise Invalid("There is no submission to review for this deadline.")
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
    record(
        workroom,
        actor=by,
        kind=kind,
        summary=f"{by.name} {verb} “{deadline.title}”.",
        panel="deadlines",
        tell=workroom.freelancer,
        title=f"{by.name} {verb} “{deadline.title}”",
        deadline=deadline.pk,
        note=note,
    )
    return deadline
