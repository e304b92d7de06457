"""“Delete my account”: what goes, what the other party keeps as “Deleted user”, and what stops
a deletion."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from disputes import services as disputes
from invitations.models import Invitation, Job
from messaging import services as messaging
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessagingPreferences,
    Notification,
)
from profiles.models import ProfileSkill, User, WorkSample
from profiles.services import (
    AccountDeletionRefused,
    WrongConfirmation,
    account_delete,
    user_signup,
)
from tests.factories import PASSWORD
from tests.profiles.account_scenes import (
    attach,
    job_with_invitation,
    open_dispute,
    room_with_records,
    send,
    with_photo_and_samples,
)
from workrooms import services as workrooms
from workrooms.models import FileVersion

pytestmark = pytest.mark.django_db

DELETE = reverse("profiles:account_delete")


def stored_paths(user) -> list:
    """The files of a profile in MEDIA_ROOT: photo, thumbnail, sample images."""
    user.profile.refresh_from_db()
    fields = [user.profile.photo, user.profile.photo_thumb]
    for sample in WorkSample.objects.filter(profile=user.profile):
        fields += [sample.image, sample.image_thumb]
    return [f.path for f in fields if f]


def delete(user, confirmation=PASSWORD):
    account_delete(user=user, confirmation=confirmation)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def closed_room(alice, bob):
    room, version = room_with_records(alice, bob)
    workrooms.workroom_set_status(workroom=room, by=alice, status="closed")
    return room, version


def test_deleting_removes_the_profile_its_files_and_the_logins(
    alice, bob, django_capture_on_commit_callbacks
):
    with_photo_and_samples(alice)
    direct = messaging.conversation_open_direct(user=alice, other=bob)
    unsent = attach(direct.pk, alice, "draft.txt")
    messaging.user_block(blocker=alice, blocked=bob)
    paths = stored_paths(alice) + [unsent.file.path]
    assert len(paths) >= 4 and all(os.path.exists(p) for p in paths)
    old_email, old_handle = alice.email, alice.handle

    with django_capture_on_commit_callbacks(execute=True):
        tombstone = delete(alice)

    assert not any(os.path.exists(p) for p in paths)
    assert tombstone.name == "Deleted user"
    assert tombstone.email != old_email and tombstone.handle != old_handle
    assert old_email.split("@")[0] not in tombstone.email
    assert tombstone.is_active is False
    assert not tombstone.has_usable_password()
    profile = tombstone.profile
    assert (profile.title, profile.overview, profile.photo.name) == ("", "", "")
    assert not ProfileSkill.objects.filter(profile=profile).exists()
    assert not WorkSample.objects.filter(profile=profile).exists()
    assert not EmailAddress.objects.filter(user=tombstone).exists()
    assert not Attachment.objects.filter(pk=unsent.pk).exists()
    assert not Notification.objects.filter(user=tombstone).exists()
    assert not Block.objects.filter(blocker=tombstone).exists()
    prefs = MessagingPreferences.objects.get(user=tombstone)
    assert (prefs.email_digests, prefs.share_presence) == (False, False)


def test_other_sessions_are_signed_out_and_removed(alice, django_capture_on_commit_callbacks):
    other_browser = Client()
    other_browser.force_login(alice)
    assert other_browser.get(reverse("profiles:account_data")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        delete(alice)

    page = other_browser.get(reverse("profiles:account_data"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
    owned = [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(alice.pk)]
    assert owned == []


def test_the_user_row_is_saved_inactive_so_live_sockets_can_close(alice):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((instance.pk, instance.is_active))

    post_save.connect(receiver, sender=User, dispatch_uid="test-account-deletion")
    try:
        delete(alice)
    finally:
        post_save.disconnect(dispatch_uid="test-account-deletion", sender=User)
    assert (alice.pk, False) in seen


def test_signing_in_no_longer_works(client, alice):
    delete(alice)
    assert client.login(email=alice.email, password=PASSWORD) is False
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert SESSION_KEY not in client.session


def test_the_other_party_still_sees_the_conversation_with_deleted_user(client, alice, bob):
    direct = messaging.conversation_open_direct(user=alice, other=bob)
    send(direct.pk, alice, "Here is everything you need")
    send(direct.pk, bob, "Thanks!")

    delete(alice)

    client.force_login(bob)
    page = client.get(reverse("messaging:thread", args=[direct.pk])).content.decode()
    assert "Deleted user" in page
    assert "Here is everything you need" in page
    assert alice.name not in page
    assert Conversation.objects.get(pk=direct.pk).read_only
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "Deleted user" in inbox


def test_files_in_a_closed_workroom_stay_with_deleted_user_as_uploader(
    client, alice, bob, closed_room, django_capture_on_commit_callbacks
):
    room, version = closed_room
    with django_capture_on_commit_callbacks(execute=True):
        delete(alice)

    kept = FileVersion.objects.select_related("uploaded_by").get(pk=version.pk)
    assert kept.uploaded_by.name == "Deleted user"
    client.force_login(bob)
    download = client.get(
        reverse("workrooms:version_download", args=[room.pk, kept.shared_file_id, kept.number])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"The brief.\n"
    assert "Deleted user" in client.get(room.get_absolute_url()).content.decode()


def test_an_ended_dispute_stays_on_the_record(alice, bob, closed_room):
    room, _ = closed_room
    dispute = open_dispute(room, by=bob)
    disputes.dispute_withdraw(dispute=dispute, by=bob)

    delete(alice)

    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"
    assert dispute.other_party.name == "Deleted user"
    assert Message.objects.filter(conversation=room.conversation).exists()


def test_refused_while_a_dispute_is_open(alice, bob, closed_room):
    room, _ = closed_room
    dispute = open_dispute(room, by=bob)

    with pytest.raises(AccountDeletionRefused) as refused:
        account_delete(user=alice, confirmation=PASSWORD)

    (blocker,) = refused.value.blockers
    assert blocker.url == dispute.get_absolute_url()
    assert "resolved, withdrawn or closed" in blocker.reason
    alice.refresh_from_db()
    assert alice.is_active and alice.name == "Alice Client"


def test_refused_while_a_contract_is_active(alice, bob):
    room, _ = room_with_records(alice, bob)
    paused, _ = room_with_records(alice, bob, title="Logo work")
    workrooms.workroom_set_status(workroom=paused, by=alice, status="paused")

    with pytest.raises(AccountDeletionRefused) as refused:
        account_delete(user=bob, confirmation=PASSWORD)

    assert [b.title for b in refused.value.blockers] == ["Website rebuild", "Logo work"]
    assert refused.value.blockers[0].url == room.get_absolute_url()
    assert "Ask Alice Client to close it" in refused.value.blockers[0].reason
    assert User.objects.get(pk=bob.pk).is_active


def test_a_wrong_password_deletes_nothing(alice):
    with pytest.raises(WrongConfirmation):
        account_delete(user=alice, confirmation="not-my-password")
    alice.refresh_from_db()
    assert alice.is_active and alice.check_password(PASSWORD)


def test_an_account_without_a_password_confirms_with_its_email(make_user):
    person = make_user(name="Pat Nopass")
    person.set_unusable_password()
    person.save(update_fields=["password"])

    with pytest.raises(WrongConfirmation):
        account_delete(user=person, confirmation="wrong@example.com")
    account_delete(user=person, confirmation=f"  {person.email.upper()} ")
    assert not User.objects.get(pk=person.pk).is_active


def test_open_invitations_are_withdrawn_and_answered(alice, bob, make_user):
    job, sent = job_with_invitation(alice, bob)
    other_client = make_user(name="Cora Client", role="client")
    _, received = job_with_invitation(other_client, bob, "Other job")

    delete(alice)
    sent.refresh_from_db()
    job.refresh_from_db()
    assert job.status == Job.Status.CLOSED
    assert sent.status == Invitation.Status.WITHDRAWN
    assert Notification.objects.filter(user=bob, kind="invitation.withdrawn").exists()

    delete(bob)
    received.refresh_from_db()
    assert received.status == Invitation.Status.DECLINED
    assert Notification.objects.filter(user=other_client, kind="invitation.declined").exists()


def test_the_profile_page_of_a_deleted_account_is_gone(client, alice, bob):
    old_handle = alice.handle
    tombstone = delete(alice)
    client.force_login(bob)
    assert client.get(reverse("profiles:detail", args=[old_handle])).status_code == 404
    assert client.get(reverse("profiles:detail", args=[tombstone.handle])).status_code == 404


def test_a_new_account_can_use_the_old_address(alice):
    old_email = alice.email
    delete(alice)
    newcomer = User(email=old_email)
    user_signup(user=newcomer, name="Alice Again", role="client")
    assert User.objects.get(email=old_email).name == "Alice Again"


# --- The page ---------------------------------------------------------------------------------


def test_the_page_says_what_is_kept_and_removed(client, alice):
    client.force_login(alice)
    page = client.get(DELETE).content.decode()
    assert "What is removed" in page and "What stays" in page
    assert 'type="password"' in page
    assert "Delete my account" in page


def test_deleting_through_the_page_signs_out(client, alice):
    client.force_login(alice)
    response = client.post(DELETE, {"confirmation": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Your account is deleted" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.get(pk=alice.pk).is_active


def test_a_wrong_password_on_the_page_is_said_next_to_the_field(client, alice):
    client.force_login(alice)
    response = client.post(DELETE, {"confirmation": "guess"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_active


def test_guessing_the_password_is_rate_limited(client, alice):
    client.force_login(alice)
    statuses = [client.post(DELETE, {"confirmation": f"guess-{n}"}).status_code for n in range(11)]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    assert client.post(DELETE, {"confirmation": PASSWORD}).status_code == 429
    assert User.objects.get(pk=alice.pk).is_active


def test_the_page_lists_what_blocks_with_links_and_offers_no_button(client, alice, bob):
    room, _ = room_with_records(alice, bob)
    client.force_login(alice)

    page = client.get(DELETE).content.decode()
    assert "can't delete your account yet" in page
    assert f'href="{room.get_absolute_url()}"' in page
    assert 'name="confirmation"' not in page

    refused = client.post(DELETE, {"confirmation": PASSWORD})
    assert refused.status_code == 403
    assert f'href="{room.get_absolute_url()}"' in refused.content.decode()
    assert User.objects.get(pk=alice.pk).is_active


def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(DELETE), client.post(DELETE, {"confirmation": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
