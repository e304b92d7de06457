"""Writes for workrooms. Views, other apps (invitations: accepting opens a room) and the admin
call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from messaging import services as messaging
from messaging.models import Conversation
from workrooms.models import Workroom


@transaction.atomic
def workroom_open(*, client, freelancer, title: str, job=None) -> Workroom:
    """Open a workroom (a contract) between a client and a freelancer, with its chat."""
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
    messaging.message_post_system(
        conversation=conversation,
        body=f"{client.name} opened this workroom with {freelancer.name}.",
    )
    return workroom
