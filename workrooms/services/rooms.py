"""Opening a workroom and changing its status."""

from django.db import transaction

from core.exceptions import Invalid, NotAllowed
from messaging import services as messaging
from messaging.models import Conversation
from messaging.notifications import notify
from workrooms.models import Activity, Workroom

from ._common import WorkroomClosed, guarded, record, room_url

BLOCKED = "You can't open a workroom with this person."


@transaction.atomic
def workroom_open(
    *, client, freelancer, title: str, job=None, notify_freelancer: bool = True
) -> Workroom:
    """Open a workroom (a contract) between a client and a freelancer, with its chat. Not
    between two people one of whom blocks the other (a room already open goes on).

    The freelancer is told, unless they opened it themselves by accepting an invitation.
    """
    if not client.is_client:
        raise NotAllowed("Only clients open workrooms.")
    if not freelancer.is_freelancer:
        raise Invalid("A workroom is opened with a freelancer.", field="freelancer")
    # The same words whichever side blocked: the blocked person learns nothing more.
    messaging.check_not_blocked_between(client, freelancer, text=BLOCKED, field="freelancer")
    title = (title or "").strip()
    if not title:
        raise Invalid("Give the workroom a title.", field="title")
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
            url=room_url(workroom),
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
    workroom = guarded(
        workroom,
        by,
        writable=False,  # the move below says why a closed room cannot change
        role="client",
        refused="Only the client can pause or close the workroom.",
    )
    if status not in STATUS_MOVES.get(workroom.status, set()):
        if workroom.status == Workroom.Status.CLOSED:
            raise WorkroomClosed()
        raise Invalid(f"The workroom is already {workroom.get_status_display().lower()}.")
    before = workroom.status
    workroom.status = status
    workroom.save(update_fields=["status"])
    verb = {"active": "resumed", "paused": "paused", "closed": "closed"}[status]
    record(
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
