import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import Invalid
from messaging import calls
from messaging.models import Message
from workrooms import services
from workrooms.models import Activity, Deadline

from .conftest import upload


@pytest.mark.django_db
def test_every_event_is_an_activity_row_and_a_system_line(
    room, client_user, freelancer_user, later
):
    v = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    services.file_share(workroom=room, by=client_user, uploaded_file=upload(content=b"2"))
    d = services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    services.deadline_update(
        workroom=room, deadline=d, by=client_user, title="Design", due_at=later + timedelta(days=1)
    )
    services.deadline_submit(workroom=room, deadline=d, by=freelancer_user, versions=[v])
    services.deadline_review(workroom=room, deadline=d, by=client_user, approve=False, note="More")
    services.deadline_submit(workroom=room, deadline=d, by=freelancer_user, note="Again")
    services.deadline_review(workroom=room, deadline=d, by=client_user, approve=True)
    call = services.call_propose(
        workroom=room, by=client_user, starts_at=later, duration_minutes=30, agenda="Plan"
    )
    services.call_reschedule(
        workroom=room,
        call=call,
        by=freelancer_user,
        starts_at=later + timedelta(hours=2),
        duration_minutes=30,
    )
    services.call_accept(workroom=room, call=call, by=client_user)
    services.call_cancel(workroom=room, call=call, by=client_user, note="Not needed")
    services.file_delete(workroom=room, by=client_user, shared_file=v.shared_file)
    now = timezone.now()
    calls.call_record(  # a video call ends (messaging/calls.py)
        conversation_id=room.conversation_id,
        started_by=client_user.pk,
        started_at=now,
        connected_at=now,
        ended_at=now + timedelta(minutes=20),
    )
    calls.call_notes_post(user=freelancer_user, conversation_id=room.conversation_id, notes="Ok")
    services.workroom_set_status(workroom=room, by=client_user, status="paused")
    services.workroom_set_status(workroom=room, by=client_user, status="closed")

    kinds = set(Activity.objects.filter(workroom=room).values_list("kind", flat=True))
    assert kinds == set(Activity.Kind.values)
    # Every event but joining (which the opening line covers) and posting call notes (the
    # notes are the person's own message) is also a line in the chat.
    lines = set(
        Message.objects.filter(conversation=room.conversation, kind="system").values_list(
            "body", flat=True
        )
    )
    for activity in Activity.objects.exclude(
        kind__in=[Activity.Kind.MEMBER_JOINED, Activity.Kind.CALL_NOTES]
    ):
        assert activity.summary in lines


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviews_at_the_same_moment_only_one_wins(room, client_user, freelancer_user, later):
    deadline = services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    services.deadline_submit(workroom=room, deadline=deadline, by=freelancer_user, note="Done")
    barrier = threading.Barrier(2)
    results = []

    def review(approve):
        try:
            barrier.wait(timeout=10)
            services.deadline_review(
                workroom=room, deadline=deadline, by=client_user, approve=approve, note="x"
            )
            results.append("won")
        except Invalid:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results) == ["refused", "won"]
    deadline.refresh_from_db()
    assert deadline.status in (Deadline.Status.APPROVED, Deadline.Status.PENDING)
    assert (
        Activity.objects.filter(
            kind__in=["deadline.approved", "deadline.changes_requested"]
        ).count()
        == 1
    )
