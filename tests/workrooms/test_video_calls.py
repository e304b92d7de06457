"""A workroom's video calls (docs/calls.md): the call page and who may open it, Join in the
calls panel, and what an ended call and its notes leave in the activity and the chat."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Invalid, NotFound
from messaging import calls
from messaging.models import Message
from workrooms import services
from workrooms.models import Activity, Call

pytestmark = pytest.mark.django_db


def scheduled(room, client_user, freelancer_user, starts_at, agenda="1. Scope\n2. Launch date"):
    call = services.call_propose(
        workroom=room,
        by=client_user,
        starts_at=starts_at,
        duration_minutes=45,
        agenda=agenda,
        confirm=True,
    )
    return services.call_accept(workroom=room, call=call, by=freelancer_user) or call


def chat_lines(room):
    return list(
        Message.objects.filter(conversation=room.conversation, kind="system")
        .order_by("seq")
        .values_list("body", flat=True)
    )


def test_the_call_page_is_for_members_with_the_agenda_and_its_permissions(
    client, room, client_user, freelancer_user
):
    scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(minutes=5))
    client.force_login(freelancer_user)

    response = client.get(reverse("workrooms:call", args=[room.pk]))

    assert response.status_code == 200
    # The call page, and only it, may use the camera, the microphone and the screen.
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "display-capture"):
        assert f"{feature}=(self)" in policy
    assert "geolocation=()" in policy
    room_page = client.get(reverse("workrooms:detail", args=[room.pk]))
    assert "camera=()" in room_page["Permissions-Policy"]
    page = response.content.decode()
    assert "Call with Morgan Lee" in page
    assert "1. Scope<br>2. Launch date" in page
    assert "<script>" not in page and " style=" not in page  # ready for a strict CSP


def test_a_stranger_gets_404_and_a_visitor_the_login(client, room, stranger):
    url = reverse("workrooms:call", args=[room.pk])
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_a_closed_room_has_no_calls(client, room, client_user):
    services.workroom_set_status(workroom=room, by=client_user, status="closed")
    client.force_login(client_user)

    assert client.get(reverse("workrooms:call", args=[room.pk])).status_code == 403


def test_the_direct_call_page_and_the_rooms_conversation_leading_to_its_room(
    client, room, client_user, freelancer_user
):
    client.force_login(client_user)
    response = client.get(reverse("messaging:call", args=[room.conversation_id]))
    assert response.status_code == 302
    assert response["Location"] == f"/workrooms/{room.pk}/call/"


def test_join_opens_ten_minutes_before_the_start_until_the_end(
    client, room, client_user, freelancer_user
):
    soon = scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(minutes=9))
    later = scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(minutes=30))
    client.force_login(client_user)

    page = client.get(reverse("workrooms:panel", args=[room.pk, "calls"])).content.decode()

    assert f'href="/workrooms/{room.pk}/call/?call={soon.pk}" data-join-call' in page
    assert f"?call={later.pk}" not in page
    assert "Opens 10 minutes before the start" in page
    assert "Start a call now" in page
    now = timezone.now()
    assert soon.in_join_window(now) and not later.in_join_window(now)
    assert later.in_join_window(later.starts_at - timedelta(minutes=10))
    assert not later.in_join_window(later.ends_at + timedelta(seconds=1))


def test_an_ended_call_is_in_the_activity_and_the_chat_and_marks_the_scheduled_call(
    room, client_user, freelancer_user
):
    call = scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(minutes=5))
    connected = timezone.now()

    calls.call_record(
        conversation_id=room.conversation_id,
        started_by=client_user.pk,
        started_at=connected - timedelta(seconds=30),
        connected_at=connected,
        ended_at=connected + timedelta(minutes=42),
    )

    activity = Activity.objects.get(kind=Activity.Kind.CALL_HELD)
    assert activity.summary == "Video call with Morgan Lee and Sam Rivera · 42 min"
    assert activity.data["seconds"] == 42 * 60 and activity.data["call"] == call.pk
    assert chat_lines(room)[-1] == activity.summary
    call.refresh_from_db()
    assert call.held_seconds == 42 * 60 and call.held_text == "42 min"


def test_a_call_outside_any_join_window_marks_no_scheduled_call(room, client_user, freelancer_user):
    call = scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(days=2))
    now = timezone.now()

    calls.call_record(
        conversation_id=room.conversation_id,
        started_by=freelancer_user.pk,
        started_at=now,
        connected_at=now,
        ended_at=now + timedelta(minutes=3),
    )

    call.refresh_from_db()
    assert call.held_seconds is None
    assert Activity.objects.filter(kind=Activity.Kind.CALL_HELD).count() == 1


def test_a_missed_call_says_who_called(room, client_user):
    now = timezone.now()
    calls.call_record(
        conversation_id=room.conversation_id,
        started_by=client_user.pk,
        started_at=now,
        connected_at=None,
        ended_at=now + timedelta(minutes=2),
    )

    assert chat_lines(room)[-1] == "Missed video call from Morgan Lee"
    assert Activity.objects.get(kind=Activity.Kind.CALL_HELD).summary == (
        "Missed video call from Morgan Lee"
    )


def test_call_notes_go_to_the_chat_and_the_activity(client, room, freelancer_user):
    client.force_login(freelancer_user)

    response = client.post(
        reverse("messaging:call_notes", args=[room.conversation_id]),
        {"notes": "Launch on the 14th\nSam sends the sitemap"},
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200
    message = Message.objects.filter(conversation=room.conversation, kind="user").last()
    assert message.sender == freelancer_user
    assert message.body == "Call notes\n\nLaunch on the 14th\nSam sends the sitemap"
    activity = Activity.objects.get(kind=Activity.Kind.CALL_NOTES)
    assert activity.summary == "Sam Rivera posted call notes: Launch on the 14th"


def test_empty_notes_and_a_strangers_notes_are_refused(client, room, freelancer_user, stranger):
    with pytest.raises(Invalid):
        calls.call_notes_post(user=freelancer_user, conversation_id=room.conversation_id, notes=" ")
    with pytest.raises(NotFound):
        calls.call_notes_post(user=stranger, conversation_id=room.conversation_id, notes="Hi")
    client.force_login(stranger)
    url = reverse("messaging:call_notes", args=[room.conversation_id])
    assert client.post(url, {"notes": "Hi"}).status_code == 404
    assert not Activity.objects.filter(kind=Activity.Kind.CALL_NOTES).exists()


def test_the_panel_says_a_held_call_took_place(client, room, client_user, freelancer_user):
    call = scheduled(room, client_user, freelancer_user, timezone.now() + timedelta(minutes=5))
    Call.objects.filter(pk=call.pk).update(held_seconds=42 * 60)
    client.force_login(client_user)

    page = client.get(reverse("workrooms:panel", args=[room.pk, "calls"])).content.decode()

    assert "Took place, 42 min" in page
