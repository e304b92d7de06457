import asyncio
import threading
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from messaging import events, services
from messaging.models import Conversation, Message, MessageRevision, Participant, PolicyFlag
from messaging.selectors import catch_up, unread_counts
from messaging.services import send_sql
from tests.core.realtime import channel_across_event_loops

pytestmark = pytest.mark.django_db


class TestDirectConversations:
    def test_one_conversation_per_pair_whoever_opens_it(self, alice, bob):
        first = services.conversation_open_direct(user=alice, other=bob)
        second = services.conversation_open_direct(user=bob, other=alice)

        assert first == second
        assert Conversation.objects.count() == 1
        assert set(first.participants.values_list("user_id", flat=True)) == {alice.pk, bob.pk}

    def test_not_with_yourself(self, alice):
        with pytest.raises(services.Invalid):
            services.conversation_open_direct(user=alice, other=alice)


class TestSend:
    def test_messages_get_consecutive_seq_and_versions(self, direct, alice, bob, send):
        first = send(direct, alice, "one")
        second = send(direct, bob, "two")

        direct.refresh_from_db()
        assert (first.seq, first.version) == (1, 1)
        assert (second.seq, second.version) == (2, 2)
        assert direct.version == 2 and direct.last_message == second

    def test_a_retry_with_the_same_client_id_is_stored_once(self, direct, alice):
        client_id = uuid.uuid4()
        first = services.message_send(
            conversation_id=direct.pk, sender=alice, body="hi", client_id=client_id
        )
        again = services.message_send(
            conversation_id=direct.pk, sender=alice, body="hi", client_id=client_id
        )

        assert first.created and not again.created
        assert again.message.pk == first.message.pk
        assert Message.objects.count() == 1

    def test_same_client_id_from_another_sender_is_another_message(self, direct, alice, bob):
        client_id = uuid.uuid4()
        services.message_send(
            conversation_id=direct.pk, sender=alice, body="a", client_id=client_id
        )
        services.message_send(conversation_id=direct.pk, sender=bob, body="b", client_id=client_id)

        assert Message.objects.count() == 2

    def test_a_stranger_gets_not_found_exactly_like_a_missing_conversation(self, direct, eve, send):
        with pytest.raises(services.NotFound) as stranger:
            send(direct, eve)
        with pytest.raises(services.NotFound) as missing:
            services.message_send(
                conversation_id=direct.pk + 999, sender=eve, body="x", client_id=uuid.uuid4()
            )

        assert stranger.value.detail == missing.value.detail
        assert not Message.objects.exists()

    @pytest.mark.parametrize(
        "body,error",
        [("", services.Invalid), ("   \n", services.Invalid), ("x" * 10_001, services.TooLarge)],
    )
    def test_empty_or_overlong_bodies_are_refused(self, direct, alice, send, body, error):
        with pytest.raises(error):
            send(direct, alice, body)
        assert not Message.objects.exists()

    def test_ten_thousand_characters_are_fine(self, direct, alice, send):
        assert send(direct, alice, "y" * 10_000).body == "y" * 10_000

    def test_a_malformed_client_id_is_invalid(self, direct, alice, send):
        with pytest.raises(services.Invalid):
            send(direct, alice, client_id="not-a-uuid")

    def test_read_only_conversation_is_forbidden(self, direct, alice, send):
        services.conversation_set_read_only(conversation=direct, read_only=True)

        with pytest.raises(services.Forbidden):
            send(direct, alice)

    def test_the_rate_limit_counts_sends_but_not_retries(self, direct, alice, send, settings):
        settings.MESSAGE_RATE_LIMIT = 3
        settings.MESSAGE_RATE_LIMIT_PERIOD = 60
        client_id = uuid.uuid4()
        send(direct, alice, client_id=client_id)
        send(direct, alice)
        send(direct, alice)

        with pytest.raises(services.RateLimited) as limited:
            send(direct, alice)
        assert 1 <= limited.value.retry_after <= 60
        # A retry of something already stored is answered, not limited.
        assert send(direct, alice, client_id=client_id).pk
        assert Message.objects.count() == 3

    def test_sender_has_read_their_own_message(self, direct, alice, bob, send):
        send(direct, alice)

        assert unread_counts(conversation_id=direct.pk) == {alice.pk: 0, bob.pk: 1}


class TestConduct:
    BODY = "Let's skip the fees, just pay me directly on PayPal at bob.pays@gmail.com"

    def test_a_flagged_send_is_a_warning_and_stores_nothing(self, direct, bob, send):
        result = send(direct, bob, self.BODY)

        assert isinstance(result, services.SendResult)
        assert {r.code for r in result.warning} >= {"payment_off_platform"}
        assert all(r.text for r in result.warning)
        assert not Message.objects.exists()

    def test_a_confirmed_resend_is_delivered_and_flagged_for_review(self, direct, bob, send):
        client_id = uuid.uuid4()
        send(direct, bob, self.BODY, client_id=client_id)
        message = send(direct, bob, self.BODY, client_id=client_id, confirm=True)

        assert message.flagged
        flag = PolicyFlag.objects.get(message=message)
        assert flag.sender == bob and flag.reviewed_at is None
        assert "payment_off_platform" in {r["code"] for r in flag.reasons}

    def test_ordinary_work_talk_passes(self, direct, alice, send):
        message = send(direct, alice, "Can you integrate the PayPal checkout on the shop page?")

        assert message.pk and not message.flagged


class TestPublishing:
    @channel_across_event_loops
    def test_published_once_and_only_after_commit(
        self, direct, alice, bob, send, django_capture_on_commit_callbacks
    ):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"user.{bob.pk}", channel)

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = send(direct, alice, "after commit")
        assert callbacks, "nothing is published before the commit"
        for callback in callbacks:
            callback()

        # One event per member's own group, for their sockets to write as message.new
        # (subscribed) or conversation.updated; nothing else.
        async def receive_all():
            event = await layer.receive(channel)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(layer.receive(channel), 0.2)
            return event

        event = async_to_sync(receive_all)()
        assert event["new_message"] and event["updated"] == direct.pk
        assert event["unread"] == {str(alice.pk): 0, str(bob.pk): 1}
        assert f'"id":{message.pk}' in events.message_new_text(event, bob.pk)

    def test_a_rolled_back_send_publishes_nothing(
        self, direct, alice, send, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks() as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            send(direct, alice, "never")
            raise RuntimeError("roll back")

        assert callbacks == []
        assert not Message.objects.exists()

    @channel_across_event_loops
    def test_removing_a_member_tells_their_sockets(
        self, direct, bob, django_capture_on_commit_callbacks
    ):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"user.{bob.pk}", channel)

        with django_capture_on_commit_callbacks(execute=True):
            services.participant_remove(conversation=direct, user=bob)

        event = async_to_sync(layer.receive)(channel)
        assert event["frame"] == "conversation.removed"
        assert not Participant.objects.filter(conversation=direct, user=bob).exists()


class TestEditAndDelete:
    def test_edit_keeps_history_and_bumps_the_version(self, direct, alice, send):
        message = send(direct, alice, "first draft")

        result = services.message_edit(message_id=message.pk, by=alice, body="final words")

        message.refresh_from_db()
        assert message.body == "final words" and message.edited_at
        assert message.version == 2
        assert list(message.revisions.values_list("action", "body")) == [("edit", "first draft")]
        assert result.message.pk == message.pk

    def test_only_your_own_messages(self, direct, alice, bob, send):
        message = send(direct, alice, "mine")

        with pytest.raises(services.Forbidden):
            services.message_edit(message_id=message.pk, by=bob, body="hijack")
        with pytest.raises(services.Forbidden):
            services.message_delete(message_id=message.pk, by=bob)

    def test_a_stranger_cannot_even_find_it(self, direct, alice, eve, send):
        message = send(direct, alice, "mine")

        with pytest.raises(services.NotFound):
            services.message_edit(message_id=message.pk, by=eve, body="x")

    def test_not_after_the_edit_window(self, direct, alice, send, settings):
        message = send(direct, alice, "old")
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(seconds=settings.MESSAGE_EDIT_WINDOW_SECONDS + 1)
        )

        with pytest.raises(services.Forbidden):
            services.message_edit(message_id=message.pk, by=alice, body="new")
        with pytest.raises(services.Forbidden):
            services.message_delete(message_id=message.pk, by=alice)

    def test_delete_hides_the_body_but_keeps_it_for_the_record(self, direct, alice, send):
        from messaging.payloads import message_payload

        message = send(direct, alice, "regrettable")

        deleted = services.message_delete(message_id=message.pk, by=alice)

        payload = message_payload(deleted)
        assert payload["deleted"] is True and payload["body"] == ""
        assert Message.objects.get(pk=message.pk).body == "regrettable"
        assert MessageRevision.objects.get(message=message).action == "delete"
        with pytest.raises(services.Forbidden):
            services.message_edit(message_id=message.pk, by=alice, body="again")

    def test_catch_up_after_a_version_includes_edits_and_deletes(self, direct, alice, send):
        kept = send(direct, alice, "one")
        gone = send(direct, alice, "two")
        cursor = Conversation.objects.get(pk=direct.pk).version

        services.message_edit(message_id=kept.pk, by=alice, body="one, edited")
        services.message_delete(message_id=gone.pk, by=alice)
        new = send(direct, alice, "three")

        version, missed, has_more = catch_up(conversation=direct, after=cursor)
        assert [m.pk for m in missed] == [kept.pk, gone.pk, new.pk]
        assert missed[0].body == "one, edited" and missed[1].deleted_at
        assert version == Conversation.objects.get(pk=direct.pk).version and not has_more

    def test_catch_up_pages_with_has_more(self, direct, alice, send):
        for n in range(5):
            send(direct, alice, f"m{n}")

        version, first, has_more = catch_up(conversation=direct, after=1, page=2)
        assert has_more and [m.version for m in first] == [2, 3] and version == 3
        version, rest, has_more = catch_up(conversation=direct, after=version, page=2)
        assert not has_more and [m.version for m in rest] == [4, 5] and version == 5
        version, empty, has_more = catch_up(conversation=direct, after=version, page=2)
        assert empty == [] and not has_more and version == 5


class TestReading:
    def test_read_position_moves_forward_only(self, direct, alice, bob, send):
        first = send(direct, alice, "1")
        second = send(direct, alice, "2")

        services.conversation_mark_read(conversation_id=direct.pk, user=bob, message_id=second.pk)
        services.conversation_mark_read(conversation_id=direct.pk, user=bob, message_id=first.pk)

        assert Participant.objects.get(conversation=direct, user=bob).last_read_seq == second.seq
        assert unread_counts(conversation_id=direct.pk)[bob.pk] == 0

    def test_a_message_of_another_conversation_is_not_found(self, direct, alice, bob, eve, send):
        other = services.conversation_open_direct(user=alice, other=eve)
        foreign = send(other, alice, "elsewhere")

        with pytest.raises(services.NotFound):
            services.conversation_mark_read(
                conversation_id=direct.pk, user=bob, message_id=foreign.pk
            )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_get_distinct_ordered_versions(direct, alice, bob):
    errors = []

    def worker(user, n):
        try:
            for i in range(n):
                services.message_send(
                    conversation_id=direct.pk,
                    sender=user,
                    body=f"{user.pk}-{i}",
                    client_id=uuid.uuid4(),
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u, 8)) for u in (alice, bob, alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    rows = list(Message.objects.filter(conversation=direct).values_list("seq", "version"))
    assert sorted(seq for seq, _ in rows) == list(range(1, 33))
    assert sorted(v for _, v in rows) == list(range(1, 33))
    assert Conversation.objects.get(pk=direct.pk).version == 32


class TestResponseTime:
    def test_the_first_reply_in_a_new_direct_conversation_is_recorded_once(
        self, direct, alice, bob, send
    ):
        from profiles.models import ResponseTimeRecord

        opener = send(direct, alice, "Are you available next week?")
        send(direct, alice, "(for a two-day job)")
        reply = send(direct, bob, "Yes, I am!")
        send(direct, bob, "What's the job?")

        record = ResponseTimeRecord.objects.get()
        assert record.user == bob and record.kind == "message"
        assert record.started_at == opener.created_at
        assert record.responded_at == reply.created_at

    def test_group_conversations_do_not_count(self, alice, bob, send):
        from profiles.models import ResponseTimeRecord

        room = services.conversation_create(kind="workroom", title="Room", members=[alice, bob])
        send(room, alice, "Hello room")
        send(room, bob, "Hi")

        assert not ResponseTimeRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.parametrize("kind", [Message.Kind.USER, Message.Kind.SYSTEM])
def test_the_send_insert_writes_what_the_orm_would(direct, alice, kind):
    """On PostgreSQL the send's INSERT reads its values straight off the message: they must be
    what Django's get_db_prep_save gives, field by field (a new field of a new type falls back
    to get_db_prep_save by itself)."""
    message = Message(
        conversation=direct,
        seq=7,
        version=9,
        kind=kind,
        sender=alice if kind == Message.Kind.USER else None,
        body="Hello there",
        client_id=uuid.uuid4() if kind == Message.Kind.USER else None,
        created_at=timezone.now(),
        flagged=kind == Message.Kind.USER,
    )
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    expected = [f.get_db_prep_save(getattr(message, f.attname), connection) for f in fields]

    _, values = send_sql.insert_message_sql(message)

    assert values == expected
    assert [type(v) for v in values] == [type(v) for v in expected]
