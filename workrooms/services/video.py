"""What a video call leaves in its workroom (docs/calls.md): messaging tells, through its
`call_ended` and `call_notes_posted` signals, and has already written the chat's line.

The call is an Activity row (its start, end and how long they talked), and a confirmed call
whose join window it fell in is marked as held ("took place, 42 min")."""

from django.db import transaction

from workrooms.models import Activity, Call, Workroom

from ._common import publish


@transaction.atomic
def call_held_record(
    *, conversation, summary: str, started_by: int, started_at, connected_at, ended_at, seconds: int
) -> Activity | None:
    """`summary` is the chat's line for the call, so the activity says the same."""
    workroom = Workroom.objects.select_for_update().filter(conversation=conversation).first()
    if workroom is None:
        return None
    data = {
        "started_at": started_at.isoformat(),
        "ended_at": ended_at.isoformat(),
        "seconds": seconds,
    }
    if connected_at is not None:
        data["connected_at"] = connected_at.isoformat()
        scheduled = next(
            (
                c
                for c in Call.objects.select_for_update().filter(
                    workroom=workroom, status=Call.Status.ACCEPTED
                )
                if c.in_join_window(connected_at)
            ),
            None,
        )
        if scheduled is not None:
            scheduled.held_seconds = (scheduled.held_seconds or 0) + seconds
            scheduled.save(update_fields=["held_seconds", "updated_at"])
            data["call"] = scheduled.pk
    activity = Activity.objects.create(
        workroom=workroom,
        actor_id=started_by,
        kind=Activity.Kind.CALL_HELD,
        summary=summary[:500],
        data=data,
        created_at=ended_at,
    )
    publish(workroom, "calls", "activity")
    return activity


@transaction.atomic
def call_notes_record(*, conversation, user, notes: str) -> Activity | None:
    workroom = Workroom.objects.filter(conversation=conversation).first()
    if workroom is None:
        return None
    first_line = notes.strip().splitlines()[0] if notes.strip() else ""
    if len(first_line) > 120:
        first_line = first_line[:119] + "…"
    activity = Activity.objects.create(
        workroom=workroom,
        actor=user,
        kind=Activity.Kind.CALL_NOTES,
        summary=f"{user.name} posted call notes: {first_line}"[:500],
        data={"notes": notes},
    )
    publish(workroom, "activity")
    return activity
