"""seed_demo tells one story on one clock: every date in the demo agrees with every other."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent
from invitations.models import Invitation, Job
from messaging.models import Conversation, Message, Notification
from profiles.models import User
from workrooms.models import Activity, Workroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    began = timezone.now()
    call_command("seed_demo", stdout=StringIO())
    return began


def _first(model, field, **lookup):
    return model.objects.filter(**lookup).aggregate(first=Min(field))["first"]


def test_everyone_joined_before_their_first_activity(seeded):
    for user in User.objects.all():
        firsts = [
            _first(Message, "created_at", sender=user),
            _first(Notification, "created_at", user=user),
            _first(DisputeEvent, "created_at", actor=user),
            _first(Job, "created_at", client=user),
            _first(Invitation, "created_at", freelancer=user),
            _first(Workroom, "created_at", client=user),
            _first(Workroom, "created_at", freelancer=user),
        ]
        firsts = [moment for moment in firsts if moment is not None]
        if firsts:
            assert user.date_joined < min(firsts), user.email


def test_each_conversation_reads_in_order(seeded):
    for conversation in Conversation.objects.all():
        times = list(conversation.messages.order_by("seq").values_list("created_at", flat=True))
        assert times == sorted(times), conversation.title or conversation.kind
        assert len(set(times)) == len(times), "two messages at the same moment"
        if times:
            assert conversation.last_message_at == times[-1]


def test_notifications_tell_of_past_events_after_they_happened(seeded):
    assert Notification.objects.exists()
    for note in Notification.objects.all():
        # Seeding happened just now; what it tells of happened days ago.
        assert note.created_at < seeded, (note.kind, note.created_at)
        if match := re.match(r"/disputes/(\d+)/", note.url):
            dispute = Dispute.objects.get(pk=match[1])
            assert note.created_at >= dispute.created_at, note.kind
        if match := re.match(r"/workrooms/(\d+)/", note.url):
            room = Workroom.objects.get(pk=match[1])
            assert note.created_at >= room.created_at, note.kind
    invitation = Invitation.objects.get(status=Invitation.Status.PENDING)
    told = Notification.objects.get(kind="invitation.new", url=invitation.get_absolute_url())
    assert told.created_at == invitation.created_at


def test_a_dispute_and_its_timeline_agree(seeded):
    for dispute in Dispute.objects.all():
        opened = dispute.events.get(kind=DisputeEvent.Kind.OPENED)
        assert abs(opened.created_at - dispute.created_at) < timedelta(seconds=1)
        assert dispute.created_at > dispute.workroom.created_at
        # The room's own story is over before the dispute's thread lines start in its chat.
        room_lines = Message.objects.filter(
            conversation_id=dispute.workroom.conversation_id, created_at__lt=dispute.created_at
        )
        assert not room_lines.filter(seq__gt=_dispute_first_seq(dispute)).exists()


def _dispute_first_seq(dispute):
    later = Message.objects.filter(
        conversation_id=dispute.workroom.conversation_id, created_at__gte=dispute.created_at
    )
    return later.aggregate(first=Min("seq"))["first"] or 10**9


def test_activity_follows_its_room_and_jobs_precede_their_invitations(seeded):
    for room in Workroom.objects.all():
        first = _first(Activity, "created_at", workroom=room)
        assert first is None or first >= room.created_at, room.title
    for invitation in Invitation.objects.select_related("job"):
        assert invitation.created_at >= invitation.job.created_at, invitation.job.title


def _done_steps(client, email):
    client.force_login(User.objects.get(email=email))
    page = client.get("/").content.decode()
    return page.count("steps__item steps__item--done")


def test_getting_started_is_ticked_from_what_morgan_and_sam_did(seeded, client):
    # Account, a job with invitations, a message to Sam, three workrooms: all four done.
    assert _done_steps(client, "client@example.com") == 4
    # Account, a complete profile, an answered invitation, a response time: all four done.
    assert _done_steps(client, "freelancer@example.com") == 4
