from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.exceptions import NotAllowed
from messaging.models import Message
from workrooms import services
from workrooms.models import Activity, Call, Reminder, Workroom

from .conftest import set_timezone

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def next_year(month, day, hour, minute=0, tz=BERLIN):
    return datetime(timezone.now().year + 1, month, day, hour, minute, tzinfo=tz)


def propose(room, by, starts_at, **kwargs):
    return services.call_propose(
        workroom=room,
        by=by,
        starts_at=starts_at,
        duration_minutes=kwargs.pop("duration_minutes", 30),
        agenda=kwargs.pop("agenda", "Kickoff: scope and milestones"),
        **kwargs,
    )


def test_a_call_at_nine_in_berlin_shows_three_in_new_york(
    client, room, client_user, freelancer_user
):
    set_timezone(client_user, "Europe/Berlin")
    set_timezone(freelancer_user, "America/New_York")
    propose(room, client_user, next_year(3, 3, 9))
    client.force_login(client_user)
    page = client.get(reverse("workrooms:panel", args=[room.pk, "calls"])).content.decode()
    assert "09:00" in page and "Europe/Berlin" in page
    assert "03:00 for Sam (America/New_York)" in page
    client.force_login(freelancer_user)
    page = client.get(reverse("workrooms:panel", args=[room.pk, "calls"])).content.decode()
    assert "03:00" in page and "09:00 for Morgan (Europe/Berlin)" in page


def test_dst_edges_the_gap_between_the_two_zones_changes(
    client, room, client_user, freelancer_user
):
    """The US moves its clocks two or three weeks before Europe: in between, Berlin is five
    hours ahead of New York instead of six."""
    set_timezone(client_user, "Europe/Berlin")
    set_timezone(freelancer_user, "America/New_York")
    year = timezone.now().year + 1
    # Second Sunday of March (US change) and last Sunday of March (EU change).
    us_change = next(
        d for d in (datetime(year, 3, day) for day in range(8, 15)) if d.weekday() == 6
    )
    between = datetime(year, 3, us_change.day + 1, 9, tzinfo=BERLIN)
    propose(room, client_user, between)
    client.force_login(freelancer_user)
    page = client.get(reverse("workrooms:panel", args=[room.pk, "calls"])).content.decode()
    assert "04:00" in page  # 09:00 CET is 04:00 EDT in that window
    # A form time that does not exist (the EU spring-forward gap) is refused, not guessed.
    eu_change = max(
        d for d in (datetime(year, 3, day) for day in range(25, 32)) if d.weekday() == 6
    )
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:call_new", args=[room.pk]),
        {
            "starts_at": f"{eu_change:%Y-%m-%d}T02:30",
            "duration_minutes": 30,
            "agenda": "In the gap",
        },
    )
    assert response.status_code == 400
    assert Call.objects.count() == 1


def test_form_times_are_read_in_the_viewers_own_timezone(client, room, client_user):
    set_timezone(client_user, "Europe/Berlin")
    client.force_login(client_user)
    start = next_year(6, 10, 9)
    response = client.post(
        reverse("workrooms:call_new", args=[room.pk]),
        {"starts_at": f"{start:%Y-%m-%d}T09:00", "duration_minutes": 45, "agenda": "Review"},
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.starts_at == start and call.starts_at.astimezone(ZoneInfo("UTC")).hour == 7


def test_an_empty_agenda_is_refused_with_the_message_next_to_the_field(client, room, client_user):
    client.force_login(client_user)
    start = next_year(6, 10, 9)
    response = client.post(
        reverse("workrooms:call_new", args=[room.pk]),
        {"starts_at": f"{start:%Y-%m-%d}T09:00", "duration_minutes": 30, "agenda": "  "},
    )
    assert response.status_code == 400
    assert "Write an agenda" in response.content.decode()
    with pytest.raises(ValidationError):
        propose(room, client_user, start, agenda="")


def test_overlapping_calls_of_either_party_warn_then_go_through_when_confirmed(
    client, room, client_user, freelancer_user, make_user
):
    start = next_year(5, 5, 10)
    # Sam has another client with a call at 10:15 that day.
    other_client = make_user(role="client", name="Other Client")
    other_room = services.workroom_open(
        client=other_client, freelancer=freelancer_user, title="Other project"
    )
    propose(other_room, other_client, start + timedelta(minutes=15))
    with pytest.raises(services.CallOverlap) as overlap:
        propose(room, client_user, start)
    assert overlap.value.calls[0].workroom == other_room
    set_timezone(client_user, "Europe/Berlin")
    client.force_login(client_user)
    data = {
        "starts_at": f"{start:%Y-%m-%d}T10:00",
        "duration_minutes": 30,
        "agenda": "Kickoff",
    }
    response = client.post(reverse("workrooms:call_new", args=[room.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "overlaps another call" in page
        and "Other project" in page
        and 'name="confirm" value="1"' in page
    )
    assert "Kickoff</textarea>" in page  # nothing typed is lost
    call = propose(room, client_user, start, confirm=True)
    assert call.status == Call.Status.PROPOSED


def test_the_other_party_accepts_or_proposes_another_time_and_either_cancels(
    room, client_user, freelancer_user
):
    call = propose(room, client_user, next_year(4, 1, 15))
    with pytest.raises(NotAllowed):
        services.call_accept(workroom=room, call=call, by=client_user)
    call = services.call_reschedule(
        workroom=room,
        call=call,
        by=freelancer_user,
        starts_at=next_year(4, 1, 16),
        duration_minutes=45,
    )
    assert call.proposed_by == freelancer_user and call.agenda.startswith("Kickoff")
    call = services.call_accept(workroom=room, call=call, by=client_user)
    assert call.status == Call.Status.ACCEPTED and call.sequence == 2
    with pytest.raises(ValidationError):
        services.call_cancel(workroom=room, call=call, by=freelancer_user, note="")
    services.call_cancel(workroom=room, call=call, by=freelancer_user, note="Ill today")
    kinds = list(
        Activity.objects.filter(kind__startswith="call")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["call.proposed", "call.rescheduled", "call.accepted", "call.cancelled"]


def test_the_ics_parses_back_with_the_right_times(client, room, client_user):
    start = next_year(3, 3, 9)
    call = propose(room, client_user, start, duration_minutes=45, agenda="Agenda: sitemap")
    client.force_login(client_user)
    response = client.get(reverse("workrooms:call_ics", args=[room.pk, call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="call.ics"'
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert str(event["description"]) == "Agenda: sitemap"
    assert str(event["uid"]) == f"{call.uid}@tandem"
    assert str(event["status"]) == "TENTATIVE"


def test_a_reminder_goes_out_fifteen_minutes_before_a_call_once(room, client_user):
    call = propose(room, client_user, timezone.now() + timedelta(days=1))
    assert services.reminders_send(now=call.starts_at - timedelta(minutes=20)) == 0
    assert services.reminders_send(now=call.starts_at - timedelta(minutes=14)) == 1
    assert services.reminders_send(now=call.starts_at - timedelta(minutes=5)) == 0
    assert Reminder.objects.get().kind == "call_15m"


def test_a_closed_room_refuses_every_write_but_stays_readable(
    client, room, client_user, freelancer_user, later
):
    from .conftest import upload

    version = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    with pytest.raises(NotAllowed):
        services.workroom_set_status(workroom=room, by=freelancer_user, status="closed")
    services.workroom_set_status(workroom=room, by=client_user, status="closed")
    room.refresh_from_db()
    assert room.status == Workroom.Status.CLOSED and room.conversation.read_only
    attempts = [
        lambda: services.file_share(workroom=room, by=client_user, uploaded_file=upload("x.txt")),
        lambda: services.deadline_set(workroom=room, by=client_user, title="x", due_at=later),
        lambda: propose(room, client_user, later),
        lambda: services.workroom_set_status(workroom=room, by=client_user, status="active"),
    ]
    for attempt in attempts:
        with pytest.raises(services.WorkroomClosed, match="closed"):
            attempt()
    client.force_login(freelancer_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert "This workroom is closed" in page and "Set a deadline" not in page
    response = client.get(
        reverse("workrooms:file_download", args=[room.pk, version.shared_file_id])
    )
    assert response.status_code == 200
    response = client.post(
        reverse("workrooms:deadline_new", args=[room.pk]),
        {"title": "x", "due_at": f"{later:%Y-%m-%dT%H:%M}"},
        follow=True,
    )
    assert "This workroom is closed" in response.content.decode()
    assert Message.objects.filter(body__contains="closed the workroom").exists()


def test_the_lines_labelled_utc_say_the_utc_time(room, client_user, freelancer_user):
    # Proposed at 09:00 New York time (14:00 UTC in winter): the stored activity and chat lines
    # say 14:00 UTC, not the proposer's wall clock beside the label.
    nine_in_new_york = next_year(12, 11, 9, tz=ZoneInfo("America/New_York"))
    propose(room, client_user, nine_in_new_york)

    proposed = Activity.objects.filter(kind=Activity.Kind.CALL_PROPOSED).get()
    assert "11 Dec" in proposed.summary and "14:00 UTC" in proposed.summary
    assert "09:00" not in proposed.summary
    line = Message.objects.filter(conversation=room.conversation, kind="system").last()
    assert "14:00 UTC" in line.body
