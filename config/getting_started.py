"""The dashboard's "Getting started" checklist, ticked from what the person has really done.

It reads other apps' models, so it lives at the project level with the dashboard view rather
than in one app (profiles must not know about jobs or workrooms)."""

from dataclasses import dataclass

from invitations.models import Invitation
from messaging.models import Conversation, Message
from profiles.models import ResponseTimeRecord, User
from workrooms.models import Workroom


@dataclass(frozen=True)
class GettingStarted:
    invited: bool = False  # client: posted a job and invited someone to it
    messaged: bool = False  # client: wrote to a freelancer directly
    workroom: bool = False  # either: shares a workroom
    answered: bool = False  # freelancer: accepted or declined an invitation
    replied: bool = False  # freelancer: has a response time on record


def getting_started(*, user: User) -> GettingStarted:
    if user.is_client:
        return GettingStarted(
            invited=Invitation.objects.filter(job__client=user).exists(),
            messaged=Message.objects.filter(
                sender=user, conversation__kind=Conversation.Kind.DIRECT
            ).exists(),
            workroom=Workroom.objects.filter(client=user).exists(),
        )
    if user.is_freelancer:
        return GettingStarted(
            answered=Invitation.objects.filter(
                freelancer=user, responded_at__isnull=False
            ).exists(),
            replied=ResponseTimeRecord.objects.filter(user=user).exists(),
            workroom=Workroom.objects.filter(freelancer=user).exists(),
        )
    return GettingStarted()
