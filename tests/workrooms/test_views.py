import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.services import message_send
from workrooms import services
from workrooms.models import Activity, Workroom

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(room, client_user, freelancer_user, later):
    version = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    deadline = services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    call = services.call_propose(
        workroom=room, by=client_user, starts_at=later, duration_minutes=30, agenda="Kickoff"
    )
    return {"version": version, "deadline": deadline, "call": call}


def room_urls(room, filled):
    file_id = filled["version"].shared_file_id
    d, c = filled["deadline"].pk, filled["call"].pk
    get = [
        reverse("workrooms:detail", args=[room.pk]),
        reverse("workrooms:file_download", args=[room.pk, file_id]),
        reverse("workrooms:version_download", args=[room.pk, file_id, 1]),
        reverse("workrooms:call_ics", args=[room.pk, c]),
        reverse("workrooms:call", args=[room.pk]),
    ] + [
        reverse("workrooms:panel", args=[room.pk, p])
        for p in ("files", "deadlines", "calls", "activity")
    ]
    post = [
        reverse("workrooms:status", args=[room.pk]),
        reverse("workrooms:file_upload", args=[room.pk]),
        reverse("workrooms:file_delete", args=[room.pk, file_id]),
        reverse("workrooms:deadline_new", args=[room.pk]),
        reverse("workrooms:deadline_edit", args=[room.pk, d]),
        reverse("workrooms:deadline_submit", args=[room.pk, d]),
        reverse("workrooms:deadline_review", args=[room.pk, d]),
        reverse("workrooms:call_new", args=[room.pk]),
        reverse("workrooms:call_accept", args=[room.pk, c]),
        reverse("workrooms:call_reschedule", args=[room.pk, c]),
        reverse("workrooms:call_cancel", args=[room.pk, c]),
        reverse("messaging:call_notes", args=[room.conversation_id]),
    ]
    return get, post


def test_both_members_get_every_room_url(client, room, filled, client_user, freelancer_user):
    get, _ = room_urls(room, filled)
    for person in (client_user, freelancer_user):
        client.force_login(person)
        for url in get:
            assert client.get(url).status_code == 200, url


def test_a_stranger_gets_404_and_anonymous_is_sent_to_log_in(client, room, filled, stranger):
    get, post = room_urls(room, filled)
    client.force_login(stranger)
    for url in get:
        assert client.get(url).status_code == 404, url
    for url in post:
        assert client.post(url, {}).status_code == 404, url
    client.logout()
    for url in get + post:
        response = client.get(url) if url in get else client.post(url, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert Activity.objects.filter(actor=stranger).count() == 0


def test_the_room_page_has_the_chat_and_every_panel(client, room, filled, client_user):
    client.force_login(client_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert f'data-conversation-id="{room.conversation_id}"' in page
    for text in ("brief.txt", "Design", "Kickoff", "Start a call now", "Set a deadline"):
        assert text in page
    assert "js/workroom.js" in page


def test_room_page_queries_do_not_grow_with_its_contents(
    client, room, client_user, freelancer_user, later
):
    client.force_login(client_user)
    url = reverse("workrooms:detail", args=[room.pk])

    def add(n, start):
        for i in range(start, start + n):
            services.file_share(
                workroom=room, by=client_user, uploaded_file=upload(f"f{i}.txt", b"x")
            )
            services.file_share(
                workroom=room, by=freelancer_user, uploaded_file=upload(f"f{i}.txt", b"y")
            )
            deadline = services.deadline_set(
                workroom=room, by=client_user, title=f"D{i}", due_at=later + timedelta(hours=i)
            )
            if i % 2:
                services.deadline_submit(
                    workroom=room, deadline=deadline, by=freelancer_user, note="done"
                )
            services.call_propose(
                workroom=room,
                by=client_user,
                starts_at=later + timedelta(days=i),
                duration_minutes=30,
                agenda=f"A{i}",
                confirm=True,
            )
            message_send(
                conversation_id=room.conversation_id,
                sender=client_user,
                body=f"m{i}",
                client_id=f"00000000-0000-4000-8000-{i:012d}",
                rate_limited=False,
            )

    def count():
        client.get(url)  # warm up (caches, sessions)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(1, 0)
    one = count()
    add(24, 1)
    assert count() == one


def test_list_shows_unread_counts_and_the_next_deadline_in_constant_queries(
    client, room, client_user, freelancer_user, later, django_assert_max_num_queries
):
    services.deadline_set(workroom=room, by=client_user, title="Wireframes", due_at=later)
    message_send(
        conversation_id=room.conversation_id,
        sender=client_user,
        body="Hello",
        client_id="00000000-0000-4000-8000-000000000001",
        rate_limited=False,
    )
    client.force_login(freelancer_user)
    url = reverse("workrooms:list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Wireframes" in page and 'title="Unread messages">1<' in page
    for n in range(5):
        services.workroom_open(client=client_user, freelancer=freelancer_user, title=f"Room {n}")
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)


def test_a_client_opens_a_room_with_a_freelancer_by_handle(client, client_user, freelancer_user):
    client.force_login(client_user)
    url = reverse("workrooms:new") + f"?with={freelancer_user.handle}"
    assert f'value="{freelancer_user.handle}"' in client.get(url).content.decode()
    response = client.post(reverse("workrooms:new"), {"freelancer": "nobody-here", "title": "Logo"})
    assert response.status_code == 400
    assert "Nobody has this handle" in response.content.decode()
    assert 'value="Logo"' in response.content.decode()
    response = client.post(
        reverse("workrooms:new"), {"freelancer": f"@{freelancer_user.handle}", "title": "Logo"}
    )
    room = Workroom.objects.get(title="Logo")
    assert response["Location"] == room.get_absolute_url()
    assert set(Activity.objects.filter(workroom=room).values_list("kind", flat=True)) == {
        "member.joined"
    }


def test_a_freelancer_cannot_open_a_room(client, freelancer_user, make_user):
    client.force_login(freelancer_user)
    assert client.get(reverse("workrooms:new")).status_code == 403
    other = make_user(role="freelancer")
    response = client.post(reverse("workrooms:new"), {"freelancer": other.handle, "title": "x"})
    assert response.status_code == 403 and not Workroom.objects.exists()


def test_a_past_due_date_on_the_form_keeps_what_was_typed(client, room, client_user):
    client.force_login(client_user)
    past = timezone.now() - timedelta(days=1)
    response = client.post(
        reverse("workrooms:deadline_new", args=[room.pk]),
        {"title": "Sitemap", "due_at": f"{past:%Y-%m-%dT%H:%M}", "description": "All pages"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The due date is in the past" in page
    assert 'value="Sitemap"' in page and "All pages</textarea>" in page


def test_approving_as_the_freelancer_through_the_form_is_refused(
    client, room, filled, freelancer_user
):
    from workrooms.services import deadline_submit

    deadline_submit(workroom=room, deadline=filled["deadline"], by=freelancer_user, note="Done")
    client.force_login(freelancer_user)
    response = client.post(
        reverse("workrooms:deadline_review", args=[room.pk, filled["deadline"].pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert "can&#x27;t approve your own" in response.content.decode()
    filled["deadline"].refresh_from_db()
    assert filled["deadline"].status == "submitted"


def test_events_publish_a_workroom_frame_after_commit(
    room, client_user, later, django_capture_on_commit_callbacks, monkeypatch
):
    from messaging import events

    sent = []
    monkeypatch.setattr(events, "_send", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True):
        services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    frames = [json.loads(e["text"]) for g, e in sent if e["frame"] == "workroom.updated"]
    assert {f["panel"] for f in frames} == {"deadlines", "activity"}
    assert all(
        f["conversation"] == room.conversation_id and f["workroom"] == room.pk for f in frames
    )
    assert all(
        g == f"conversation.{room.conversation_id}"
        for g, e in sent
        if e["frame"] == "workroom.updated"
    )


def test_the_dashboard_lists_the_next_deadlines(client, room, client_user, later):
    services.deadline_set(workroom=room, by=client_user, title="Wireframes", due_at=later)
    client.force_login(client_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Next deadlines" in page and "Wireframes" in page
    assert f"/workrooms/{room.pk}/?tab=deadlines" in page


def test_the_open_form_shows_who_the_room_is_with(client, client_user, freelancer_user):
    client.force_login(client_user)
    page = client.get(reverse("workrooms:new") + f"?with={freelancer_user.handle}")
    assert f"@{freelancer_user.handle}" in page.content.decode()
    assert freelancer_user.name in page.content.decode()


def test_submitting_as_the_client_through_the_form_is_refused(client, room, filled, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:deadline_submit", args=[room.pk, filled["deadline"].pk]),
        {"note": "Done"},
        follow=True,
    )
    assert "Only the freelancer submits work" in response.content.decode()
    filled["deadline"].refresh_from_db()
    assert filled["deadline"].status == "pending"


def test_an_image_preview_sends_anonymous_people_to_log_in(client, room, client_user):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 40)).save(out, "PNG")
    version = services.file_share(
        workroom=room, by=client_user, uploaded_file=upload("a.png", out.getvalue(), "image/png")
    )
    url = reverse("workrooms:version_preview", args=[room.pk, version.shared_file_id, 1])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
