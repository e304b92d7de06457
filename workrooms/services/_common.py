"""What every workroom write shares: the one guard that opens it, and the one way an event is
recorded and announced."""

from datetime import UTC, datetime
from typing import Literal

from django.urls import reverse

from core.exceptions import NotAllowed, NotFound
from messaging import events
from messaging import services as messaging
from messaging.notifications import notify
from workrooms.models import Activity, Workroom

Role = Literal["client", "freelancer"]


class WorkroomClosed(NotAllowed):
    """A write in a closed room."""

    @classmethod
    def default_detail(cls) -> str:
        return "This workroom is closed: you can read it and download its files, but not change it."


def guarded(
    workroom: Workroom,
    by,
    *,
    writable: bool = True,
    role: Role | None = None,
    refused: str = "",
) -> Workroom:
    """The start of every write to a room: the room's row, locked for the rest of the
    transaction, once `by` is a member of it, the room is open (unless `writable=False`) and,
    where a rule needs one, `by` holds `role` (refused with `refused`).

    Someone else's room is NotFound, as if there were none; a closed one is WorkroomClosed and
    the wrong role NotAllowed.
    """
    workroom = Workroom.objects.select_for_update().filter(pk=workroom.pk).first()
    if workroom is None or not workroom.is_member(by):
        raise NotFound("No such workroom.")
    if writable and workroom.status == Workroom.Status.CLOSED:
        raise WorkroomClosed()
    holder = {"client": workroom.client_id, "freelancer": workroom.freelancer_id}
    if role is not None and holder[role] != by.pk:
        raise NotAllowed(refused or f"Only the {role} can do that.")
    return workroom


def publish(workroom: Workroom, *panels: str) -> None:
    """After commit, tell both members' open pages which panels to refetch."""
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


def record(
    workroom: Workroom,
    *,
    actor,
    kind: str,
    summary: str,
    panel: str,
    tell=None,
    title: str = "",
    **data,
) -> Activity:
    """One event: an Activity row, a system line in the chat, live updates for both pages and,
    with `tell`, a notification of the same kind (`title`, else the summary) to that member,
    leading to the panel."""
    activity = Activity.objects.create(
        workroom=workroom, actor=actor, kind=kind, summary=summary[:500], data=data
    )
    messaging.message_post_system(conversation=workroom.conversation, body=summary[:500])
    publish(workroom, panel, "activity")
    if tell is not None:
        notify(user=tell, kind=kind, title=title or summary, url=room_url(workroom, panel))
    return activity


def room_url(workroom: Workroom, anchor: str = "") -> str:
    return reverse("workrooms:detail", args=[workroom.pk]) + (f"#{anchor}" if anchor else "")


def locked_in(workroom: Workroom, model, item):
    """`item` (a file, deadline or call of the locked `workroom`), its row locked too; one of
    another room is NotFound."""
    locked = model.objects.select_for_update().filter(pk=item.pk, workroom=workroom).first()
    if locked is None:
        raise NotFound()
    return locked


def utc(moment: datetime) -> datetime:
    """The moment on UTC's clock, for the activity and chat lines stored as text and labelled
    "UTC": a form hands over the moment in the person's own zone, and formatting that directly
    wrote their wall-clock time beside the label."""
    return moment.astimezone(UTC)
