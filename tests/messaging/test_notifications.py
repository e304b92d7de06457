import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging import notifications, services
from messaging.models import DigestState, Notification
from tests.core.realtime import channel_across_event_loops

pytestmark = pytest.mark.django_db


class TestNotify:
    @channel_across_event_loops
    def test_notify_records_and_pushes_after_commit(
        self, alice, django_capture_on_commit_callbacks
    ):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"user.{alice.pk}", channel)

        with django_capture_on_commit_callbacks(execute=True):
            note = notifications.notify(
                user=alice, kind="invitation.new", title="Sam invited you", url="/invitations/1/"
            )

        event = async_to_sync(layer.receive)(channel)
        assert event["frame"] == "notification"
        assert f'"id":{note.pk}' in event["text"] and "Sam invited you" in event["text"]

    def test_the_bell_counts_and_mark_all_read_clears_it(self, client, alice, bob):
        for n in range(3):
            notifications.notify(user=alice, kind="test", title=f"News {n}")
        notifications.notify(user=bob, kind="test", title="Not yours")
        client.force_login(alice)

        page = client.get(reverse("messaging:notifications")).content.decode()
        assert "News 2" in page and "Not yours" not in page
        assert "data-notification-count >3<" in page.replace("\n", "") or ">3</span>" in page

        client.post(reverse("messaging:notifications_read_all"))
        assert notifications.unread_notification_count(user=alice) == 0
        assert notifications.unread_notification_count(user=bob) == 1

    def test_the_navigation_marks_the_page_you_are_on(self, client, alice):
        import re

        client.force_login(alice)

        def current(url):
            page = client.get(url).content.decode()
            # Each link marked current (the navigation is rendered twice: inline and in the menu).
            return {
                re.sub(r"<[^>]+>|\s+", " ", label).split()[0]
                for label in re.findall(r'aria-current="page"[^>]*>(.*?)</a>', page, re.S)
            }

        assert current(reverse("messaging:notifications")) == {"Notifications"}
        assert current(reverse("messaging:preferences")) == set()
        assert current(reverse("messaging:inbox")) == {"Messages"}

    def test_opening_one_marks_it_read_and_follows_only_local_links(self, client, alice):
        note = notifications.notify(user=alice, kind="test", title="Go", url="/messages/")
        client.force_login(alice)
        url = reverse("messaging:notification_read", args=[note.pk])

        assert client.post(url, {"next": "/messages/"})["Location"] == "/messages/"
        assert Notification.objects.get(pk=note.pk).read_at
        assert client.post(url, {"next": "https://evil.example/"})["Location"] == reverse(
            "messaging:notifications"
        )

    def test_someone_elses_notification_is_untouched(self, client, alice, bob):
        note = notifications.notify(user=bob, kind="test", title="Bob's")
        client.force_login(alice)
        client.post(reverse("messaging:notification_read", args=[note.pk]))
        assert Notification.objects.get(pk=note.pk).read_at is None


class TestDigests:
    def test_one_digest_per_conversation_after_the_delay(self, direct, alice, bob, send):
        for n in range(3):
            send(direct, alice, f"Update {n}")
        state = DigestState.objects.get(participant__user=bob)
        assert state.due_at is not None
        # Eager Celery ran the task at once: not due yet, so nothing was sent.
        assert mail.outbox == []

        sent = notifications.send_due_digests(now=timezone.now() + timedelta(minutes=11))

        assert sent == 1 and len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == [bob.email]
        assert email.subject == "3 unread messages from Alice Client"
        assert "Update 0" in email.body and "Update 2" in email.body
        assert "/messages/unsubscribe/" in email.body
        assert notifications.send_due_digests(now=timezone.now() + timedelta(minutes=30)) == 0
        assert len(mail.outbox) == 1

    def test_nothing_is_sent_when_it_was_read_in_time(self, direct, alice, bob, send):
        message = send(direct, alice, "Quick question")
        services.conversation_mark_read(conversation_id=direct.pk, user=bob, message_id=message.pk)

        assert notifications.send_due_digests(now=timezone.now() + timedelta(minutes=11)) == 0
        assert mail.outbox == []

    def test_the_delay_is_the_persons_own_setting(self, direct, alice, bob, send):
        preferences = notifications.preferences_for(bob)
        preferences.email_delay_minutes = 60
        preferences.save()
        send(direct, alice, "Later")

        assert notifications.send_due_digests(now=timezone.now() + timedelta(minutes=11)) == 0
        assert notifications.send_due_digests(now=timezone.now() + timedelta(minutes=61)) == 1

    def test_unsubscribe_link_turns_digests_off(self, client, direct, alice, bob, send):
        token = notifications.unsubscribe_token(bob)
        url = reverse("messaging:unsubscribe", args=[token])

        assert "Unsubscribe" in client.get(url).content.decode()
        assert "unsubscribed" in client.post(url).content.decode()
        send(direct, alice, "Hello?")
        assert notifications.send_due_digests(now=timezone.now() + timedelta(hours=1)) == 0
        assert (
            "doesn"
            in client.post(reverse("messaging:unsubscribe", args=[token + "x"])).content.decode()
        )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_digest_task_on_a_real_worker(direct, alice, bob, send):
    """The task through a real Celery worker on the Redis broker, with a shifted clock."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app
    from messaging import tasks

    send(direct, alice, "Are you there?")
    state = DigestState.objects.get(participant__user=bob)
    DigestState.objects.filter(pk=state.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            tasks.send_digest.delay(state.pk)
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True

    assert len(mail.outbox) == 1 and "Are you there?" in mail.outbox[0].body
    assert DigestState.objects.get(pk=state.pk).due_at is None
