import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from messaging import notifications, presence, services
from messaging.models import Block, Message, Report
from tests.core.realtime import channel_across_event_loops

pytestmark = pytest.mark.django_db


class TestBlocking:
    def test_a_blocked_person_cannot_open_or_send(self, direct, alice, bob, send):
        services.user_block(blocker=alice, blocked=bob)

        with pytest.raises(services.Forbidden) as opening:
            services.conversation_open_direct(user=bob, other=alice)
        with pytest.raises(services.Forbidden):
            send(direct, bob, "hello?")
        with pytest.raises(services.Forbidden) as own:
            send(direct, alice, "and me?")
        assert "can't" in opening.value.detail and "Unblock" in own.value.detail
        assert not Message.objects.exists()

        services.user_unblock(blocker=alice, blocked=bob)
        assert send(direct, bob, "hello again").pk

    def test_block_and_unblock_pages(self, client, direct, alice, bob):
        client.force_login(alice)
        response = client.post(reverse("messaging:block", args=[bob.handle]), follow=True)
        assert "You blocked Bob Freelancer" in response.content.decode()
        settings_page = client.get(reverse("messaging:preferences")).content.decode()
        assert "Bob Freelancer" in settings_page and "Unblock" in settings_page

        client.post(reverse("messaging:unblock", args=[bob.handle]))
        assert not Block.objects.filter(blocker=alice, blocked=bob).exists()

    def test_the_message_button_explains_a_block(self, client, alice, bob):
        services.user_block(blocker=bob, blocked=alice)
        client.force_login(alice)

        response = client.post(reverse("messaging:open_direct", args=[bob.handle]), follow=True)

        assert "can&#x27;t send messages" in response.content.decode()


class TestReports:
    def test_report_a_message_you_can_see(self, client, direct, alice, bob, send):
        message = send(direct, bob, "rude words")
        client.force_login(alice)
        url = reverse("messaging:report", args=[bob.handle]) + f"?message={message.pk}"

        assert "rude words" in client.get(url).content.decode()
        response = client.post(
            url, {"reason": "harassment", "details": "Not OK", "message": message.pk}
        )

        # Back in the conversation the report was made from, not on the inbox.
        assert response.status_code == 302
        assert response.url == reverse("messaging:thread", args=[direct.pk])
        report = Report.objects.get()
        assert (report.reporter, report.reported_user, report.message) == (alice, bob, message)

    def test_reporting_from_a_thread_returns_to_it(self, client, direct, alice, bob):
        client.force_login(alice)
        thread = client.get(reverse("messaging:thread", args=[direct.pk])).content.decode()
        link = reverse("messaging:report", args=[bob.handle]) + f"?conversation={direct.pk}"
        assert link in thread

        page = client.get(link).content.decode()
        assert f'href="{reverse("messaging:thread", args=[direct.pk])}">Cancel' in page
        response = client.post(link, {"reason": "spam", "conversation": direct.pk})

        assert response.status_code == 302
        assert response.url == reverse("messaging:thread", args=[direct.pk])

    def test_a_conversation_you_are_not_in_is_no_place_to_return_to(self, client, bob, eve):
        theirs = services.conversation_open_direct(user=bob, other=eve)
        from tests.factories import UserFactory

        client.force_login(UserFactory())
        url = reverse("messaging:report", args=[bob.handle]) + f"?conversation={theirs.pk}"
        response = client.post(url, {"reason": "spam", "conversation": theirs.pk})

        assert response.url == reverse("messaging:inbox")

    def test_a_message_from_elsewhere_cannot_be_reported_or_seen(self, client, bob, eve, send):
        other = services.conversation_open_direct(user=bob, other=eve)
        private = send(other, bob, "private to eve")
        alice_client = client
        from tests.factories import UserFactory

        alice_client.force_login(UserFactory())
        url = reverse("messaging:report", args=[bob.handle]) + f"?message={private.pk}"
        assert alice_client.get(url).status_code == 404

    def test_a_reason_is_required(self, client, alice, bob):
        client.force_login(alice)
        response = client.post(reverse("messaging:report", args=[bob.handle]), {"reason": ""})
        assert response.status_code == 200 and not Report.objects.exists()
        assert "required" in response.content.decode()


class TestPrivacySwitches:
    def listen(self, group):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)
        return layer, channel

    def drain(self, layer, channel):
        frames = []
        while True:
            try:
                event = async_to_sync(_receive_now)(layer, channel)
            except TimeoutError:
                return frames
            frames.append(event["frame"])

    @channel_across_event_loops
    def test_typing_off_sends_nothing(self, direct, alice):
        preferences = notifications.preferences_for(alice)
        preferences.share_typing = False
        preferences.save()
        layer, channel = self.listen(f"conversation.{direct.pk}")

        services.typing_notify(conversation_id=direct.pk, user=alice)

        assert "typing" not in self.drain(layer, channel)

    @channel_across_event_loops
    def test_read_receipts_off_sends_no_read_frame(
        self, direct, alice, bob, send, django_capture_on_commit_callbacks
    ):
        message = send(direct, alice, "hi")
        preferences = notifications.preferences_for(bob)
        preferences.share_read_receipts = False
        preferences.save()
        layer, channel = self.listen(f"conversation.{direct.pk}")

        with django_capture_on_commit_callbacks(execute=True):
            services.conversation_mark_read(
                conversation_id=direct.pk, user=bob, message_id=message.pk
            )

        assert "read" not in self.drain(layer, channel)

    def test_presence_off_is_not_shown(self, client, direct, alice, bob):
        presence.presence_seen(user=bob)
        client.force_login(alice)
        url = reverse("messaging:thread", args=[direct.pk])
        assert "Online" in client.get(url).content.decode()

        preferences = notifications.preferences_for(bob)
        preferences.share_presence = False
        preferences.save()
        assert "Online" not in client.get(url).content.decode()

    def test_settings_form_keeps_input_and_explains_errors(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("messaging:preferences"),
            {"share_read_receipts": "on", "email_digests": "on", "email_delay_minutes": "0"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "between 1 minute and 24 hours" in page
        assert notifications.preferences_for(alice).email_delay_minutes == 10


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.3)


def test_messages_are_stored_when_the_channel_layer_is_down(direct, alice, settings, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = services.message_send(
            conversation_id=direct.pk, sender=alice, body="still here", client_id=uuid.uuid4()
        )

    assert result.created and Message.objects.get().body == "still here"
    assert "could not publish" in caplog.text
