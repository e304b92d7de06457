import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging import services
from messaging.models import Attachment, Conversation

pytestmark = pytest.mark.django_db


def thread_url(conversation):
    return reverse("messaging:thread", args=[conversation.pk])


class TestAuthorization:
    def test_anonymous_is_sent_to_login(self, client, direct):
        for url in (
            reverse("messaging:inbox"),
            thread_url(direct),
            reverse("messaging:search"),
            reverse("messaging:history", args=[direct.pk]) + "?before=5",
        ):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_members_see_the_thread_others_get_404(self, client, direct, alice, eve):
        client.force_login(alice)
        page = client.get(thread_url(direct))
        assert page.status_code == 200
        assert f'data-conversation-id="{direct.pk}"' in page.content.decode()

        client.force_login(eve)
        assert client.get(thread_url(direct)).status_code == 404
        assert (
            client.get(reverse("messaging:history", args=[direct.pk]) + "?before=9").status_code
            == 404
        )
        assert client.get(thread_url(Conversation(pk=direct.pk + 100))).status_code == 404

    def test_history_pages_backward(self, client, direct, alice, send):
        messages = [send(direct, alice, f"m{n}") for n in range(5)]
        client.force_login(alice)

        page = client.get(
            reverse("messaging:history", args=[direct.pk]), {"before": messages[3].seq}
        )

        assert [m["body"] for m in page.json()["messages"]] == ["m0", "m1", "m2"]
        assert page.json()["has_more"] is False
        bad = client.get(reverse("messaging:history", args=[direct.pk]), {"before": "x"})
        assert bad.status_code == 400


class TestOpenDirect:
    def test_the_message_button_opens_one_conversation(self, client, alice, bob):
        client.force_login(alice)
        url = reverse("messaging:open_direct", args=[bob.handle])

        first = client.post(url)
        second = client.post(url)

        conversation = Conversation.objects.get()
        assert first["Location"] == second["Location"] == thread_url(conversation)

    def test_get_is_not_allowed_and_unknown_handles_404(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("messaging:open_direct", args=["someone"])).status_code == 405
        assert (
            client.post(reverse("messaging:open_direct", args=["nobody-here"])).status_code == 404
        )

    def test_yourself_is_a_clear_message(self, client, alice):
        client.force_login(alice)
        response = client.post(reverse("messaging:open_direct", args=[alice.handle]), follow=True)
        assert "yourself" in response.content.decode()


class TestAttachments:
    def upload(self, client, conversation, content=b"hello", name="notes.txt"):
        return client.post(
            reverse("messaging:attachment_upload", args=[conversation.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )

    def test_upload_send_download(self, client, direct, alice, bob):
        client.force_login(alice)
        uploaded = self.upload(client, direct, b"%PDF-1.4 the brief", "brief.pdf")
        assert uploaded.status_code == 201
        attachment_id = uploaded.json()["id"]
        services.message_send(
            conversation_id=direct.pk,
            sender=alice,
            body="",
            client_id=uuid.uuid4(),
            attachment_ids=[attachment_id],
        )

        client.force_login(bob)
        download = client.get(uploaded.json()["url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 the brief"
        assert download["Content-Disposition"].startswith('attachment; filename="brief.pdf"')
        assert download["X-Content-Type-Options"] == "nosniff"
        stored = Attachment.objects.get()
        assert "brief" not in stored.file.name  # the server names stored files

    def test_an_unsent_upload_is_only_its_uploaders(self, client, direct, alice, bob):
        client.force_login(alice)
        url = self.upload(client, direct).json()["url"]

        client.force_login(bob)
        assert client.get(url).status_code == 404

    def test_strangers_can_neither_upload_nor_download(self, client, direct, alice, eve):
        client.force_login(alice)
        url = self.upload(client, direct).json()["url"]

        client.force_login(eve)
        assert self.upload(client, direct).status_code == 404
        assert client.get(url).status_code == 404
        assert Attachment.objects.count() == 1

    def test_a_strangers_upload_is_answered_as_json(self, client, direct, eve):
        """Only the thread's script calls this endpoint: every refusal is JSON it can show."""
        client.force_login(eve)
        response = self.upload(client, direct)
        assert response.status_code == 404
        assert response.json() == {"error": "No such conversation.", "code": "not_found"}

    def test_an_oversized_file_is_refused_while_streaming(self, client, direct, alice, settings):
        settings.FILE_UPLOAD_MAX_SIZE = 1024
        client.force_login(alice)

        response = self.upload(client, direct, b"x" * 5000)

        assert response.status_code == 413
        assert "at most" in response.json()["error"]
        assert not Attachment.objects.exists()

    def test_an_empty_file_is_refused(self, client, direct, alice):
        client.force_login(alice)
        response = self.upload(client, direct, b"")
        assert response.status_code == 400
        assert not Attachment.objects.exists()

    def test_upload_needs_the_csrf_token(self, direct, alice):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(alice)
        response = self.upload(strict, direct)
        assert response.status_code == 403
        assert not Attachment.objects.exists()


class TestQueryCounts:
    def make_conversations(self, owner, make_user, send, n):
        for _ in range(n):
            other = make_user()
            conversation = services.conversation_open_direct(user=owner, other=other)
            send(conversation, other, "hi")

    def count(self, client, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)  # warm up per-session caches (the timezone middleware's, say)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_inbox_is_constant_in_the_number_of_conversations(self, client, alice, make_user, send):
        client.force_login(alice)
        self.make_conversations(alice, make_user, send, 1)
        one = self.count(client, reverse("messaging:inbox"))
        self.make_conversations(alice, make_user, send, 24)
        many = self.count(client, reverse("messaging:inbox"))
        assert one == many

    def test_thread_is_constant_in_the_number_of_messages(self, client, direct, alice, bob, send):
        client.force_login(alice)
        send(direct, bob, "one")
        one = self.count(client, thread_url(direct))
        for n in range(24):
            send(direct, bob if n % 2 else alice, f"more {n}", rate_limited=False)
        many = self.count(client, thread_url(direct))
        assert one == many


def test_search_finds_only_your_own_conversations(client, direct, alice, bob, eve, send):
    send(direct, alice, "The logo files are in the shared folder")
    other = services.conversation_open_direct(user=eve, other=bob)
    send(other, eve, "Secret logo plans")

    client.force_login(alice)
    page = client.get(reverse("messaging:search"), {"q": "logo"}).content.decode()

    assert "shared folder" in page and "Secret" not in page
    assert (
        "Search all your conversations" in client.get(reverse("messaging:search")).content.decode()
    )


@pytest.mark.postgres
def test_full_text_search_stems_and_ranks(direct, alice, bob, send):
    from django.db import connection

    from messaging.selectors import search_messages

    send(direct, alice, "I uploaded the invoices for March")
    send(direct, bob, "Invoice received, thanks; the designs look great")
    send(direct, bob, "Nothing relevant here")

    found = [m.body for m in search_messages(user=alice, query="invoice")]
    assert len(found) == 2 and "Nothing relevant here" not in found
    assert [m.body for m in search_messages(user=alice, query="invoice -designs")] == [
        "I uploaded the invoices for March"
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'messaging_message_body_fts'"
        )
        assert "gin" in cursor.fetchone()[0].lower()


def test_a_group_conversation_is_read_where_it_lives(client, alice, bob):
    room = services.conversation_create(kind="workroom", title="Room", members=[alice, bob])
    services.conversation_set_home(conversation=room, url="/workrooms/7/")
    client.force_login(alice)

    assert client.get(thread_url(room))["Location"] == "/workrooms/7/"
    assert 'href="/workrooms/7/"' in client.get(reverse("messaging:inbox")).content.decode()


class TestMuteAndArchive:
    def post(self, client, conversation, action):
        return client.post(
            reverse("messaging:conversation_settings", args=[conversation.pk]), {"action": action}
        )

    def test_archive_hides_until_someone_writes(self, client, direct, alice, bob, send):
        send(direct, bob, "hello")
        client.force_login(alice)

        self.post(client, direct, "archive")
        assert "Bob Freelancer" not in client.get(reverse("messaging:inbox")).content.decode()
        archived = client.get(reverse("messaging:inbox"), {"archived": "1"}).content.decode()
        assert "Bob Freelancer" in archived

        send(direct, bob, "are you there?")
        assert "Bob Freelancer" in client.get(reverse("messaging:inbox")).content.decode()

    def test_mute_stops_digests(self, client, direct, alice, bob, send):
        from datetime import timedelta

        from django.core import mail
        from django.utils import timezone

        from messaging import notifications

        client.force_login(alice)
        self.post(client, direct, "mute")
        send(direct, bob, "psst")

        assert notifications.send_due_digests(now=timezone.now() + timedelta(hours=1)) == 0
        assert mail.outbox == []

    def test_a_stranger_gets_404(self, client, direct, eve):
        client.force_login(eve)
        assert self.post(client, direct, "archive").status_code == 404
