"""The one guard every write starts with, and the one place the views map its refusals."""

import pytest
from django.db import transaction
from django.urls import reverse

from core.exceptions import NotAllowed, NotFound
from messaging.models import Notification
from workrooms import services
from workrooms.models import Activity, Call, SharedFile, Workroom
from workrooms.services._common import guarded

from .conftest import upload

pytestmark = pytest.mark.django_db

CLOSED = "This workroom is closed: you can read it and download its files, but not change it."


def close(room):
    Workroom.objects.filter(pk=room.pk).update(status=Workroom.Status.CLOSED)


def test_the_guard_gives_a_member_the_rooms_row_as_it_is_now(room, client_user, freelancer_user):
    Workroom.objects.filter(pk=room.pk).update(status=Workroom.Status.PAUSED)
    for person in (client_user, freelancer_user):
        with transaction.atomic():
            locked = guarded(room, person)
        assert locked.pk == room.pk and locked.status == Workroom.Status.PAUSED


def test_the_guard_treats_a_stranger_as_if_there_were_no_room(room, stranger):
    with pytest.raises(NotFound, match="No such workroom."), transaction.atomic():
        guarded(room, stranger, writable=False)


def test_the_guard_refuses_a_closed_room_unless_the_write_reads_it_itself(room, client_user):
    close(room)
    with pytest.raises(services.WorkroomClosed, match=CLOSED), transaction.atomic():
        guarded(room, client_user)
    with transaction.atomic():
        assert guarded(room, client_user, writable=False).is_closed


def test_the_guard_checks_the_role_a_rule_needs(room, client_user, freelancer_user):
    with transaction.atomic():
        assert guarded(room, client_user, role="client").pk == room.pk
        assert guarded(room, freelancer_user, role="freelancer").pk == room.pk
    with pytest.raises(NotAllowed, match="Only the client sets this."), transaction.atomic():
        guarded(room, freelancer_user, role="client", refused="Only the client sets this.")
    default = "Only the freelancer can do that."
    with pytest.raises(NotAllowed, match=default), transaction.atomic():
        guarded(room, client_user, role="freelancer")


def test_every_write_answers_a_stranger_not_found_and_changes_nothing(
    room, client_user, stranger, later
):
    version = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    deadline = services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    call = services.call_propose(
        workroom=room, by=client_user, starts_at=later, duration_minutes=30, agenda="Kickoff"
    )
    before = (Activity.objects.count(), Notification.objects.count())
    item = {"workroom": room, "by": stranger}
    attempts = [
        lambda: services.workroom_set_status(**item, status="paused"),
        lambda: services.file_share(**item, uploaded_file=upload("x.txt")),
        lambda: services.file_delete(**item, shared_file=version.shared_file),
        lambda: services.deadline_set(**item, title="x", due_at=later),
        lambda: services.deadline_update(**item, deadline=deadline, title="x", due_at=later),
        lambda: services.deadline_submit(**item, deadline=deadline, note="x"),
        lambda: services.deadline_review(**item, deadline=deadline, approve=True),
        lambda: services.call_propose(
            **item, starts_at=later, duration_minutes=30, agenda="x", confirm=True
        ),
        lambda: services.call_accept(**item, call=call),
        lambda: services.call_reschedule(**item, call=call, starts_at=later, duration_minutes=30),
        lambda: services.call_cancel(**item, call=call, note="x"),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert (Activity.objects.count(), Notification.objects.count()) == before
    assert SharedFile.objects.count() == 1 and Call.objects.get().status == "proposed"


def test_an_item_of_another_room_is_not_found(room, client_user, freelancer_user, later):
    other = services.workroom_open(client=client_user, freelancer=freelancer_user, title="Other")
    call = services.call_propose(
        workroom=other, by=client_user, starts_at=later, duration_minutes=30, agenda="Kickoff"
    )
    with pytest.raises(NotFound):
        services.call_accept(workroom=room, call=call, by=freelancer_user)


# --- The views' one mapping ---------------------------------------------------------------------


def test_an_upload_to_a_closed_room_is_refused_for_the_script_and_for_the_page(
    client, room, client_user
):
    close(room)
    client.force_login(client_user)
    url = reverse("workrooms:file_upload", args=[room.pk])
    response = client.post(url, {"files": [upload()]}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 403 and response.json()["error"] == CLOSED
    response = client.post(url, {"files": [upload()]})
    assert response.status_code == 302
    assert response["Location"] == f"/workrooms/{room.pk}/?tab=files#panel-files"
    page = client.get(response["Location"]).content.decode()
    assert "This workroom is closed: you can read it" in page
    assert not SharedFile.objects.exists()


def test_the_wrong_member_is_refused_with_the_rules_words(client, room, freelancer_user):
    client.force_login(freelancer_user)
    url = reverse("workrooms:status", args=[room.pk])
    response = client.post(url, {"status": "paused"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 403
    assert response.json()["error"] == "Only the client can pause or close the workroom."
    response = client.post(url, {"status": "paused"}, follow=True)
    assert response.redirect_chain == [(f"/workrooms/{room.pk}/", 302)]
    assert "Only the client can pause or close the workroom." in response.content.decode()
    assert Workroom.objects.get().status == Workroom.Status.ACTIVE


def test_a_broken_rule_without_a_form_goes_back_to_its_tab_with_the_message(
    client, room, client_user, freelancer_user, later
):
    call = services.call_propose(
        workroom=room, by=client_user, starts_at=later, duration_minutes=30, agenda="Kickoff"
    )
    services.call_accept(workroom=room, call=call, by=freelancer_user)
    client.force_login(freelancer_user)
    response = client.post(reverse("workrooms:call_accept", args=[room.pk, call.pk]), follow=True)
    assert response.redirect_chain == [(f"/workrooms/{room.pk}/?tab=calls#panel-calls", 302)]
    assert "This call is accepted already." in response.content.decode()
