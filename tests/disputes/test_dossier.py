"""The dossier frozen at escalation: all correspondence with edit histories, deleted messages and
file hashes; its own hash verifies; a row altered afterwards without a trace is detected."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from disputes.dossier import dossier_check, dossier_data
from disputes.models import Dossier
from messaging import services as messaging
from messaging.models import Message, MessageRevision
from tests.disputes.conftest import png_upload
from workrooms.models import FileVersion
from workrooms.services import deadline_set, deadline_submit, file_share

pytestmark = pytest.mark.django_db


def send(conversation_id, sender, body):
    return messaging.message_send(
        conversation_id=conversation_id, sender=sender, body=body, client_id=uuid.uuid4()
    ).message


@pytest.fixture
def history(room, client_user, freelancer_user):
    """Correspondence before the dispute: workroom chat with an edit and a delete, a direct
    conversation, a file with two versions, a submitted deadline."""
    from datetime import timedelta

    from django.utils import timezone

    edited = send(room.conversation_id, freelancer_user, "The build is ready for review")
    messaging.message_edit(
        message_id=edited.pk, by=freelancer_user, body="The build is ready for review (v2)"
    )
    deleted = send(room.conversation_id, client_user, "I will pay on Friday, promise")
    messaging.message_delete(message_id=deleted.pk, by=client_user)
    direct = messaging.conversation_open_direct(user=client_user, other=freelancer_user)
    send(direct.pk, client_user, "Quick question about the invoice")
    file_share(
        workroom=room,
        by=freelancer_user,
        uploaded_file=SimpleUploadedFile("build.txt", b"build one\n", content_type="text/plain"),
    )
    version = file_share(
        workroom=room,
        by=freelancer_user,
        uploaded_file=SimpleUploadedFile("build.txt", b"build two\n", content_type="text/plain"),
    )
    deadline = deadline_set(
        workroom=room,
        by=client_user,
        title="Beta build",
        due_at=timezone.now() + timedelta(days=2),
        amount="400",
        currency="USD",
    )
    deadline_submit(
        workroom=room, deadline=deadline, by=freelancer_user, note="Here it is", versions=[version]
    )
    return {"edited": edited, "deleted": deleted, "direct": direct, "version": version}


@pytest.fixture
def dossier(history, dispute, client_user, freelancer_user) -> Dossier:
    services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=png_upload(), caption="Approval"
    )
    services.dispute_escalate(dispute=dispute, by=client_user)
    return Dossier.objects.get(dispute=dispute)


def messages_of(data, kind):
    (conversation,) = [c for c in data["conversations"] if c["kind"] == kind]
    return conversation["messages"]


def test_the_dossier_holds_every_message_with_its_history_and_every_file_hash(dossier, history):
    data = dossier_data(dossier)
    room_messages = {m["id"]: m for m in messages_of(data, "workroom")}
    edited = room_messages[history["edited"].pk]
    assert edited["body"] == "The build is ready for review (v2)"
    assert edited["revisions"][0]["body"] == "The build is ready for review"
    deleted = room_messages[history["deleted"].pk]
    assert deleted["deleted"] is True
    assert deleted["body"] == "I will pay on Friday, promise"  # kept for the record
    assert [m["body"] for m in messages_of(data, "direct")] == ["Quick question about the invoice"]
    assert messages_of(data, "dispute")  # the thread's opening line
    (build,) = data["files"]
    assert [v["sha256"] for v in build["versions"]] == [
        hashlib.sha256(b"build one\n").hexdigest(),
        hashlib.sha256(b"build two\n").hexdigest(),
    ]
    (deadline,) = data["deadlines"]
    assert deadline["status"] == "submitted" and deadline["delivered"][0]["version"] == 2
    assert data["evidence"][0]["caption"] == "Approval" and len(data["evidence"][0]["sha256"]) == 64
    assert [e["kind"] for e in data["events"]] == ["opened", "evidence_added"]
    assert data["activity"]  # the room's history


def test_an_untouched_dossier_verifies(dossier):
    check = dossier_check(dossier)
    assert check.hash_ok and check.differences == [] and check.intact


def test_a_normal_edit_after_escalation_is_history_not_tampering(dossier, dispute, client_user):
    late = send(dispute.conversation_id, client_user, "Draft answer")
    messaging.message_edit(message_id=late.pk, by=client_user, body="Final answer")
    assert dossier_check(dossier).intact


def test_a_message_altered_without_a_trace_is_detected(dossier, history):
    Message.objects.filter(pk=history["edited"].pk).update(body="Nothing was ever ready")
    check = dossier_check(dossier)
    assert check.hash_ok and not check.intact
    assert any("changed without an edit record" in d for d in check.differences)


def test_a_rewritten_edit_history_is_detected(dossier, history):
    MessageRevision.objects.filter(message=history["edited"]).update(body="Something else")
    assert any("edit history" in d for d in dossier_check(dossier).differences)


def test_a_deleted_row_or_a_swapped_file_is_detected(dossier, history):
    Message.objects.filter(pk=history["deleted"].pk).delete()
    version = FileVersion.objects.get(pk=history["version"].pk)
    with version.file.open("wb") as handle:
        handle.write(b"a different build\n")
    differences = dossier_check(dossier).differences
    assert any("no longer exists" in d for d in differences)
    assert any("no longer matches its SHA-256" in d for d in differences)


def test_an_altered_snapshot_fails_its_own_hash(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        content=dossier.content.replace("I will pay on Friday", "I never said I'd pay")
    )
    check = dossier_check(Dossier.objects.get(pk=dossier.pk))
    assert not check.hash_ok and not check.intact
