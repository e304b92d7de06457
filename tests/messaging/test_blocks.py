"""Blocks, as other apps and the pages meet them: the one check other apps call
(`is_blocked_between` / `check_not_blocked_between`), no draft attachment for a message that
could never be sent, and the profile's Message button that explains instead of a dead end."""

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging import services
from messaging.models import Attachment

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_check_other_apps_call_sees_both_directions(alice, bob, eve):
    assert not services.is_blocked_between(alice, bob)
    services.user_block(blocker=bob, blocked=alice)
    assert services.is_blocked_between(alice, bob) and services.is_blocked_between(bob, alice)
    assert not services.is_blocked_between(alice, eve)
    for a, b in ((alice, bob), (bob, alice)):
        with pytest.raises(services.Forbidden) as refused:
            services.check_not_blocked_between(a, b, text="You can't do this.")
        assert refused.value.detail == "You can't do this."


@pytest.mark.parametrize("uploader_blocked", [True, False])
def test_no_draft_attachment_in_a_blocked_conversation(
    direct, alice, bob, settings, uploader_blocked
):
    if uploader_blocked:
        services.user_block(blocker=bob, blocked=alice)
        words = "You can't send messages to this person."
    else:
        services.user_block(blocker=alice, blocked=bob)
        words = "You blocked Bob Freelancer. Unblock them to send messages."

    with pytest.raises(services.Forbidden) as refused:
        services.attachment_upload(
            conversation_id=direct.pk,
            uploader=alice,
            uploaded_file=SimpleUploadedFile("notes.txt", b"hello"),
        )
    assert refused.value.detail == words
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_the_upload_endpoint_answers_with_the_same_words(client, direct, alice, bob, settings):
    services.user_block(blocker=bob, blocked=alice)
    client.force_login(alice)
    response = client.post(
        reverse("messaging:attachment_upload", args=[direct.pk]),
        {"file": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "You can't send messages to this person."
    assert not Attachment.objects.exists() and stored_files(settings) == []

    services.user_unblock(blocker=bob, blocked=alice)
    response = client.post(
        reverse("messaging:attachment_upload", args=[direct.pk]),
        {"file": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert response.status_code == 201


def test_the_profiles_message_button_comes_back_to_the_profile_saying_why(client, alice, bob):
    services.user_block(blocker=bob, blocked=alice)
    client.force_login(alice)
    response = client.post(reverse("messaging:open_direct", args=[bob.handle]))
    assert response["Location"] == reverse("profiles:detail", args=[bob.handle])
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "You can't send messages to this person." in page
