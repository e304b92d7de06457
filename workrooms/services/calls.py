"""Calls: either member proposes a time, the other accepts or proposes another; either cancels."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed
from workrooms.models import Activity, Call, Workroom
from workrooms.selectors import overlapping_calls

from ._common import guarded, locked_in, record, utc


class CallOverlap(Invalid):
    """The proposed time overlaps another call of either party; resend with confirm=True.
    The form shows `calls` next to its time, with a "propose anyway"."""

    code = "overlap"

    def __init__(self, calls):
        self.calls = list(calls)
        super().__init__(
            "This time overlaps another call: "
            + "; ".join(
                f"{c.workroom.title} at {utc(c.starts_at):%a %d %b %H:%M} UTC" for c in self.calls
            )
            + ". Schedule it anyway?",
            field="starts_at",
        )


def _check_time(
    workroom: Workroom, starts_at, duration_minutes, agenda, *, confirm, now, moving=None
) -> None:
    """The time, length and agenda of a call, and (unless `confirm`) that neither member has
    another call then; `moving` is the call being given this time."""
    errors = {}
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "Give a start date and time."
    elif starts_at <= (now or timezone.now()):
        errors["starts_at"] = "This time is in the past: pick a later one."
    if not (5 <= int(duration_minutes or 0) <= 480):
        errors["duration_minutes"] = "A call lasts between 5 minutes and 8 hours."
    if not (agenda or "").strip():
        errors["agenda"] = "Write an agenda, so both of you can prepare."
    if errors:
        raise ValidationError(errors)
    if confirm:
        return
    clashes = overlapping_calls(
        users=[workroom.client_id, workroom.freelancer_id],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=int(duration_minutes)),
        exclude=moving,
    )
    if clashes:
        raise CallOverlap(clashes)


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
    workroom = guarded(workroom, by)
    _check_time(workroom, starts_at, duration_minutes, agenda, confirm=confirm, now=now)
    call = Call.objects.create(
        workroom=workroom,
        proposed_by=by,
        starts_at=starts_at,
        duration_minutes=int(duration_minutes),
        agenda=agenda.strip(),
    )
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_PROPOSED,
        summary=f"{by.name} proposed a call on {utc(starts_at):%a %d %b %Y %H:%M} UTC "
        f"({call.duration_minutes} min).",
        panel="calls",
        tell=workroom.other_member(by),
        title=f"{by.name} proposed a call in {workroom.title}",
        call=call.pk,
    )
    return call


@transaction.atomic
def call_accept(*, workroom: Workroom, call: Call, by) -> Call:
    workroom = guarded(workroom, by)
    call = locked_in(workroom, Call, call)
    if call.status != Call.Status.PROPOSED:
        raise Invalid(f"This call is {call.get_status_display().lower()} already.")
    if call.proposed_by_id == by.pk:
        raise NotAllowed("The other person accepts the time you proposed.")
    call.status = Call.Status.ACCEPTED
    call.sequence += 1
    call.save()
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_ACCEPTED,
        summary=f"{by.name} accepted the call on {utc(call.starts_at):%a %d %b %Y %H:%M} UTC.",
        panel="calls",
        tell=workroom.other_member(by),
        title=f"{by.name} accepted the call",
        call=call.pk,
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
    workroom = guarded(workroom, by)
    call = locked_in(workroom, Call, call)
    if call.status == Call.Status.CANCELLED:
        raise Invalid("This call was cancelled.")
    agenda = call.agenda if agenda is None or not agenda.strip() else agenda
    _check_time(
        workroom, starts_at, duration_minutes, agenda, confirm=confirm, now=now, moving=call
    )
    before = call.starts_at
    call.starts_at = starts_at
    call.duration_minutes = int(duration_minutes)
    call.agenda = agenda.strip()
    call.proposed_by = by
    call.status = Call.Status.PROPOSED
    call.sequence += 1
    call.save()
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_RESCHEDULED,
        summary=f"{by.name} proposed another time for the call: {utc(starts_at):%a %d %b %Y %H:%M} "
        f"UTC instead of {utc(before):%a %d %b %H:%M}.",
        panel="calls",
        tell=workroom.other_member(by),
        title=f"{by.name} proposed another time for your call",
        call=call.pk,
    )
    return call


@transaction.atomic
def call_cancel(*, workroom: Workroom, call: Call, by, note: str = "") -> Call:
    workroom = guarded(workroom, by)
    call = locked_in(workroom, Call, call)
    if call.status == Call.Status.CANCELLED:
        raise Invalid("This call was already cancelled.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why, so the other person knows."})
    call.status = Call.Status.CANCELLED
    call.cancel_note = note
    call.sequence += 1
    call.save()
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.CALL_CANCELLED,
        summary=f"{by.name} cancelled the call on {utc(call.starts_at):%a %d %b %H:%M} UTC: {note}",
        panel="calls",
        tell=workroom.other_member(by),
        title=f"{by.name} cancelled the call",
        call=call.pk,
        note=note,
    )
    return call
