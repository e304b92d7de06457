"""Participant.unread_count is stored and kept by the services; it must always equal what
counting the messages gives (selectors.unread_subquery), whatever happens in between."""

import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import selectors, services
from messaging.models import Message, Participant
from messaging.services import send_sql


def _counted(conversation):
    return dict(
        Participant.objects.filter(conversation=conversation)
        .annotate(truth=selectors.unread_subquery())
        .values_list("user_id", "truth")
    )


def _stored(conversation):
    return dict(
        Participant.objects.filter(conversation=conversation).values_list("user_id", "unread_count")
    )


@pytest.fixture(params=["one statement", "portable"])
def send_path(request, monkeypatch):
    """Both ways a send writes (send_sql.ONE_STATEMENT_SEND; on SQLite both are portable)."""
    monkeypatch.setattr(send_sql, "ONE_STATEMENT_SEND", request.param == "one statement")
    return request.param


@pytest.mark.django_db
def test_the_stored_count_matches_a_recount_through_any_mix_of_changes(make_user, send_path):
    people = [make_user(email=f"p{n}@example.com") for n in range(5)]
    room = services.conversation_create(kind="workroom", title="Counted", members=people[:3])
    members = list(people[:3])
    rng = random.Random(8)
    for step in range(160):
        action = rng.choice(["send", "send", "send", "read", "delete", "system", "join", "leave"])
        who = rng.choice(members)
        if action == "send":
            services.message_send(
                conversation_id=room.pk,
                sender=who,
                body=f"step {step}",
                client_id=uuid.uuid4(),
                rate_limited=False,
            )
        elif action == "read":
            seqs = list(
                Message.objects.filter(conversation=room).values_list("pk", flat=True)[:200]
            )
            if seqs:
                services.conversation_mark_read(
                    conversation_id=room.pk, user=who, message_id=rng.choice(seqs)
                )
        elif action == "delete":
            own = Message.objects.filter(conversation=room, sender=who, deleted_at__isnull=True)
            if own.exists():
                services.message_delete(message_id=own.order_by("?").first().pk, by=who)
        elif action == "system":
            room.refresh_from_db()
            services.message_post_system(conversation=room, body=f"system line {step}")
        elif action == "join":
            newcomer = rng.choice(people)
            services.participant_add(conversation=room, user=newcomer)
            if newcomer not in members:
                members.append(newcomer)
        elif action == "leave" and len(members) > 2:
            leaver = rng.choice(members)
            services.participant_remove(conversation=room, user=leaver)
            members.remove(leaver)
        assert _stored(room) == _counted(room), f"after step {step} ({action})"
    assert sum(_stored(room).values()) > 0  # the walk left unread messages to count


@pytest.mark.django_db
def test_a_send_costs_the_same_statements_however_long_the_backlog(
    alice, bob, send, settings, send_path
):
    """The count is not recomputed from the messages on every send (it was a COUNT per member
    over their unread messages, growing with the backlog)."""
    settings.MESSAGE_RATE_LIMIT = 1000
    room = services.conversation_open_direct(user=alice, other=bob)
    send(room, alice)

    def statements_for_one_send():
        with CaptureQueriesContext(connection) as captured:
            send(room, alice)
        return len(captured.captured_queries)

    few = statements_for_one_send()
    for _ in range(40):
        send(room, alice)
    assert statements_for_one_send() == few
    assert _stored(room)[bob.pk] == 43
    assert selectors.unread_counts(conversation_id=room.pk) == {alice.pk: 0, bob.pk: 43}


@pytest.mark.django_db
@pytest.mark.postgres  # the one-statement send is PostgreSQL's
def test_the_one_statement_send_writes_and_reads_what_the_portable_one_does(make_user, monkeypatch):
    people = [make_user(email=f"w{n}@example.com") for n in range(4)]
    outcomes = {}
    for path in (True, False):
        monkeypatch.setattr(send_sql, "ONE_STATEMENT_SEND", path)
        room = services.conversation_create(kind="workroom", title=f"{path}", members=people)
        services.participant_update(conversation_id=room.pk, user=people[2], archived=True)
        for n, sender in enumerate([people[0], people[1], people[0]]):
            result = services.message_send(
                conversation_id=room.pk,
                sender=sender,
                body=f"hello {n}",
                client_id=uuid.uuid4(),
                rate_limited=False,
            )
        room.refresh_from_db()
        last = Message.objects.get(pk=result.message.pk)
        outcomes[path] = {
            "payload": {
                k: v
                for k, v in result.payload.items()
                if k not in ("id", "conversation", "client_id", "created_at")
            },
            "room": (room.version, room.last_seq, room.last_message_id == last.pk),
            "members": list(
                Participant.objects.filter(conversation=room)
                .order_by("user_id")
                .values_list("user_id", "unread_count", "last_read_seq", "archived")
            ),
            "read_to_last": Participant.objects.get(
                conversation=room, user=people[0]
            ).last_read_message_id
            == last.pk,
        }
    assert outcomes[True] == outcomes[False]
    assert outcomes[True]["room"] == (3, 3, True)
    assert outcomes[True]["read_to_last"]
