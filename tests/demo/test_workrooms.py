import pytest
from django.utils import timezone

from demo.profiles import seed_people
from demo.workrooms import seed_workrooms
from messaging.models import Message
from workrooms.models import Activity, Call, Deadline, FileVersion, SharedFile, Workroom

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "rooms": sorted(Workroom.objects.values_list("title", "status")),
        "messages": Message.objects.count(),
        "files": SharedFile.objects.count(),
        "versions": FileVersion.objects.count(),
        "deadlines": Deadline.objects.count(),
        "calls": Call.objects.count(),
        "activity": Activity.objects.count(),
    }


def test_demo_rooms_are_seeded_once_with_their_story(settings):
    people = seed_people()
    seed_workrooms(people)
    first = snapshot()
    seed_workrooms(seed_people())
    assert snapshot() == first

    assert first["rooms"] == [
        ("Brand guidelines", "closed"),
        ("Mobile app prototype", "active"),
        ("Website rebuild", "active"),
    ]
    room = Workroom.objects.get(title="Website rebuild")
    assert room.client.email == "client@example.com"
    assert room.freelancer.email == "freelancer@example.com"
    user_lines = Message.objects.filter(conversation=room.conversation, kind="user").count()
    assert user_lines == 12
    assert sorted(f.version_count for f in room.files.all()) == [1, 2]
    now = timezone.now()
    deadlines = list(room.deadlines.all())
    assert {d.status for d in deadlines} == {"submitted", "pending"}
    assert any(d.is_overdue(now) for d in deadlines)
    assert any(d.status == "pending" and d.due_at > now for d in deadlines)
    call = room.calls.get()
    assert call.status == "accepted" and call.agenda
    assert call.joinable  # its video call can be joined right after the seed (docs/calls.md)
    assert room.activities.count() >= 10
    closed = Workroom.objects.get(title="Brand guidelines")
    assert closed.conversation.read_only
    # A stranger demo freelancer shares nothing with them.
    alex = people["freelancer2@example.com"]
    assert not Workroom.objects.filter(freelancer=alex).exists()
