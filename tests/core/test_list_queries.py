"""Every list page costs the same number of queries for 1 item as for 25.

Each case builds its page's items through the services (with the variety the page renders: a
message with a file, a submitted deadline, a dispute with a proposal …), requests the page once
to warm the per-session caches, counts the queries of a second request with 1 item, adds 24 more
and counts again. A page that queries per item (an N+1) shows up as two different counts.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from disputes import services as disputes
from invitations import services as invitations
from invitations.services import Budget
from messaging import services as messaging
from messaging.notifications import notify
from profiles import services as profiles
from tests.factories import UserFactory
from workrooms import services as workrooms

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    viewer: object
    url: str
    add: Callable[[int], None]  # add(n): build the n-th item (n counts from 0)
    shows: str  # on the page once the 25th item (n=24) is there: the items are really listed


def with_photo(user):
    """A profile photo, so an avatar on a card is a photo link (it names the person's handle)."""
    out = BytesIO()
    Image.new("RGB", (100, 100), (13, 107, 104)).save(out, "PNG")
    photo = SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")
    profiles.profile_set_photo(profile=user.profile, upload=photo)
    return user


def person(role: str, name: str):
    return with_photo(UserFactory(role=role, name=name))


def upload(name: str, content: bytes = b"Some words.\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def send(conversation_id, sender, body, attachment_ids=()):
    return messaging.message_send(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=uuid.uuid4(),
        attachment_ids=attachment_ids,
        rate_limited=False,
    ).message


def send_with_file(conversation_id, sender, body, n):
    attachment = messaging.attachment_upload(
        conversation_id=conversation_id, uploader=sender, uploaded_file=upload(f"notes-{n}.txt")
    )
    return send(conversation_id, sender, body, attachment_ids=[attachment.pk])


def conversation_with(owner, n, *, role="freelancer"):
    """A direct conversation with a new person: their message, every other one with a file, and
    every third one answered by the owner."""
    other = person(role, f"Person {n}")
    conversation = messaging.conversation_open_direct(user=owner, other=other)
    if n % 2 == 0:
        send_with_file(conversation.pk, other, f"Here is file {n}", n)
    else:
        send(conversation.pk, other, f"Hello {n}")
    if n % 3 == 0:
        send(conversation.pk, owner, f"Thanks {n}")
    return conversation


def make_job(client, n):
    return invitations.job_create(
        client=client,
        title=f"Job {n}",
        description="Rebuild our studio site in Django.",
        skills=["Django", f"Skill {n}"],
        budget=Budget(budget_type="fixed", amount=Decimal("4000")),
    )


def answer(invitation, client, freelancer, n):
    """Accepted (a workroom opens), declined, withdrawn or left open, by turns."""
    if n % 4 == 0:
        invitations.invitation_accept(invitation=invitation, by=freelancer, note="Happy to help.")
    elif n % 4 == 1:
        invitations.invitation_decline(invitation=invitation, by=freelancer, reason="budget")
    elif n % 4 == 2:
        invitations.invitation_withdraw(invitation=invitation, by=client)


def invitation_for(client, n):
    """A job and an invitation to a new freelancer, answered by turns."""
    freelancer = person("freelancer", f"Freelancer {n}")
    invitation = invitations.invitation_send(
        job=make_job(client, n), freelancer=freelancer, by=client, note=f"Hi, job {n} is yours."
    )
    answer(invitation, client, freelancer, n)
    return invitation


def room_with(client, freelancer, n):
    """A workroom with a message, (every other one) a deadline, and some paused or closed."""
    room = workrooms.workroom_open(client=client, freelancer=freelancer, title=f"Room {n}")
    send(room.conversation_id, client, f"Welcome to room {n}")
    if n % 2 == 0:
        deadline(room, client, n)
    if n % 5 in (3, 4):
        status = "paused" if n % 5 == 3 else "closed"
        workrooms.workroom_set_status(workroom=room, by=client, status=status)
    return room


def deadline(room, client, n):
    return workrooms.deadline_set(
        workroom=room,
        by=client,
        title=f"Milestone {n}",
        due_at=timezone.now() + timedelta(days=n + 1),
        amount="400",
        currency="USD",
    )


# --- The pages ------------------------------------------------------------------------------


def inbox(w, archived=False):
    def add(n):
        conversations = [conversation_with(w.client, n).pk]
        if n % 4 == 0:  # a workroom's conversation too
            room = room_with(w.client, person("freelancer", f"Maker {n}"), n)
            conversations.append(room.conversation_id)
        for conversation_id in conversations if archived else []:
            messaging.participant_update(
                conversation_id=conversation_id, user=w.client, archived=True
            )

    return Case(w.client, "/messages/?archived=1" if archived else "/messages/", add, "Person 24")


def thread(w):
    conversation = messaging.conversation_open_direct(user=w.client, other=w.freelancer)

    def add(n):
        sender = w.client if n % 2 else w.freelancer
        if n % 3 == 0:
            message = send_with_file(conversation.pk, sender, f"File {n}", n)
        else:
            message = send(conversation.pk, sender, f"Message {n}")
        if n % 4 == 0:
            messaging.message_edit(message_id=message.pk, by=sender, body=f"Message {n}, edited")
        elif n % 4 == 2:
            messaging.message_delete(message_id=message.pk, by=sender)

    return Case(w.client, f"/messages/{conversation.pk}/", add, "notes-24.txt")


def notifications(w):
    def add(n):
        notify(
            user=w.freelancer,
            kind="invitation.new",
            title=f"News {n}",
            body="Something happened." if n % 2 == 0 else "",
            url="/invitations/" if n % 3 == 0 else "",
        )

    return Case(w.freelancer, "/notifications/", add, "News 24")


def workroom_list(w, as_client=False):
    def add(n):
        client = person("client", f"Client {n}") if n % 3 == 0 else w.client
        room_with(client, w.freelancer, n)

    def add_as_client(n):
        freelancer = person("freelancer", f"Maker {n}") if n % 3 == 0 else None
        room_with(w.client, freelancer or w.freelancer, n)

    if as_client:
        return Case(w.client, "/workrooms/", add_as_client, "Room 24")
    return Case(w.freelancer, "/workrooms/", add, "Room 24")


def panel(name):
    def case(w):
        room = workrooms.workroom_open(client=w.client, freelancer=w.freelancer, title="Site")
        start = timezone.now() + timedelta(days=2)

        def add_file(n):
            version = workrooms.file_share(
                workroom=room, by=w.freelancer, uploaded_file=upload(f"f{n}.txt")
            )
            if n % 2 == 0:  # a second version
                workrooms.file_share(
                    workroom=room, by=w.client, uploaded_file=upload(f"f{n}.txt", b"v2\n")
                )
            if n % 4 in (0, 3):  # the page lists deleted files apart
                gone = workrooms.file_share(
                    workroom=room, by=w.freelancer, uploaded_file=upload(f"gone{n}.txt")
                )
                workrooms.file_delete(workroom=room, by=w.freelancer, shared_file=gone.shared_file)
            return version

        def add_deadline(n):
            made = deadline(room, w.client, n)
            if n % 2 == 0:
                version = workrooms.file_share(
                    workroom=room, by=w.freelancer, uploaded_file=upload(f"d{n}.txt")
                )
                workrooms.deadline_submit(
                    workroom=room, deadline=made, by=w.freelancer, note="Done", versions=[version]
                )

        def add_call(n):
            call = workrooms.call_propose(
                workroom=room,
                by=w.client if n % 2 else w.freelancer,
                starts_at=start + timedelta(hours=2 * n),
                duration_minutes=30,
                agenda=f"Call {n}",
            )
            if n % 3 == 0:
                accepter = w.freelancer if n % 2 else w.client
                workrooms.call_accept(workroom=room, call=call, by=accepter)

        def add_activity(n):
            # Sharing a file and setting a deadline each leave a line in the activity.
            if n % 2 == 0:
                workrooms.file_share(workroom=room, by=w.freelancer, uploaded_file=upload(f"a{n}"))
            else:
                deadline(room, w.client, n)

        adders = {
            "files": add_file,
            "deadlines": add_deadline,
            "calls": add_call,
            "activity": add_activity,
        }
        shows = {"files": "f24.txt", "deadlines": "Milestone 24", "calls": "Call 24"}
        url = f"/workrooms/{room.pk}/panels/{name}/"
        return Case(w.client, url, adders[name], shows.get(name, "Milestone 23"))

    return case


def jobs(w):
    def add(n):
        job = make_job(w.client, n)
        if n % 2 == 0:
            invitations.invitation_send(
                job=job, freelancer=w.freelancer, by=w.client, note=f"Job {n} for you."
            )

    return Case(w.client, "/jobs/", add, "Job 24")


def invitation_list_client(w):
    return Case(w.client, "/invitations/", lambda n: invitation_for(w.client, n), "Job 24")


def invitation_list_freelancer(w):
    def add(n):
        client = person("client", f"Client {n}")
        invitation = invitations.invitation_send(
            job=make_job(client, n), freelancer=w.freelancer, by=client, note=f"Job {n}"
        )
        answer(invitation, client, w.freelancer, n)

    return Case(w.freelancer, "/invitations/", add, "Job 24")


def dispute_list(w, as_freelancer=False):
    def add(n):
        if as_freelancer:
            client, freelancer = person("client", f"Client {n}"), w.freelancer
        else:
            client, freelancer = w.client, person("freelancer", f"Maker {n}")
        room = workrooms.workroom_open(client=client, freelancer=freelancer, title=f"Room {n}")
        opened = disputes.dispute_open(
            workroom=room,
            by=freelancer if n % 3 else client,
            reason="scope",
            description="The scope changed.",
            desired_outcome="Pay for the extra work.",
        )
        if n % 3 == 0:
            disputes.proposal_make(dispute=opened, by=freelancer, terms=f"Terms {n}")
        elif n % 3 == 1:
            disputes.dispute_withdraw(dispute=opened, by=opened.opened_by, note="Sorted it out.")

    return Case(w.freelancer if as_freelancer else w.client, "/disputes/", add, "Room 24")


def freelancer_search(w):
    def add(n):
        user = person("freelancer", f"Django Person {n}")
        profiles.profile_update(
            profile=user.profile,
            data={
                "title": "Django developer",
                "overview": "I build Django sites.",
                "hourly_rate": "80",
                "availability": "full_time",
                "country": "DE",
            },
            skills=["Django", "Python", f"Skill {n}"],
        )

    return Case(w.client, "/freelancers/?q=django", add, "Django Person")


def message_search(w):
    def add(n):
        conversation = conversation_with(w.client, n)
        send(conversation.pk, w.client, f"Hello again, person {n}")

    return Case(w.client, "/messages/search/?q=hello", add, "person 24")


def job_detail(w):
    job = make_job(w.client, 0)

    def add(n):
        freelancer = person("freelancer", f"Freelancer {n}")
        invitation = invitations.invitation_send(
            job=job, freelancer=freelancer, by=w.client, note=f"Note {n}"
        )
        answer(invitation, w.client, freelancer, n)

    return Case(w.client, f"/jobs/{job.pk}/", add, "Freelancer 24")


def blocked_people(w):
    def add(n):
        messaging.user_block(blocker=w.freelancer, blocked=person("client", f"Pest {n}"))

    return Case(w.freelancer, "/messages/settings/", add, "Pest 24")


def dashboard_client(w):
    def add(n):
        conversation_with(w.client, n)
        room_with(w.client, person("freelancer", f"Worker {n}"), n)
        invitation_for(w.client, n)

    return Case(w.client, "/", add, "Person 24")


def dashboard_freelancer(w):
    def add(n):
        conversation_with(w.freelancer, n, role="client")
        client = person("client", f"Client {n}")
        room_with(client, w.freelancer, n)
        invitation = invitations.invitation_send(
            job=make_job(client, n), freelancer=w.freelancer, by=client, note=f"Job {n}"
        )
        answer(invitation, client, w.freelancer, n + 3)  # the newest ones still open

    return Case(w.freelancer, "/", add, "Person 24")


PAGES = {
    "inbox": inbox,
    "inbox archived": lambda w: inbox(w, archived=True),
    "thread": thread,
    "notifications": notifications,
    "workrooms (freelancer)": workroom_list,
    "workrooms (client)": lambda w: workroom_list(w, as_client=True),
    "workroom files panel": panel("files"),
    "workroom deadlines panel": panel("deadlines"),
    "workroom calls panel": panel("calls"),
    "workroom activity panel": panel("activity"),
    "jobs": jobs,
    "invitations (client)": invitation_list_client,
    "invitations (freelancer)": invitation_list_freelancer,
    "disputes (client)": dispute_list,
    "disputes (freelancer)": lambda w: dispute_list(w, as_freelancer=True),
    "freelancer search": freelancer_search,
    "message search": message_search,
    "job's invitations": job_detail,
    "blocked people": blocked_people,
    "dashboard (client)": dashboard_client,
    "dashboard (freelancer)": dashboard_freelancer,
}


@dataclass
class World:
    client: object
    freelancer: object


@pytest.mark.parametrize("page", list(PAGES))
def test_a_list_page_costs_the_same_queries_for_1_and_25_items(
    page, client, client_user, freelancer_user
):
    case = PAGES[page](World(with_photo(client_user), with_photo(freelancer_user)))
    client.force_login(case.viewer)

    def count() -> tuple[int, str]:
        assert client.get(case.url).status_code == 200  # warm the per-session caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(case.url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    case.add(0)
    one, _ = count()
    for n in range(1, 25):
        case.add(n)
    many, page_text = count()
    assert case.shows in page_text
    assert one == many, f"{page} ({case.url}): {one} queries with 1 item, {many} with 25"
