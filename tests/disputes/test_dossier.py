"""The dossier frozen at escalation: all correspondence with edit histories, deleted messages and
file hashes; its own hash verifies; a row altered afterwards without a trace is detected."""

import hashlib

import pytest

from disputes import services
from disputes.dossier import dossier_check, dossier_data
from disputes.models import Dossier
from messaging import services as messaging
from messaging.models import Message, MessageRevision
from tests.disputes.conftest import png_upload, send
from workrooms.models import FileVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(correspondence, dispute, client_user, freelancer_user) -> Dossier:
    services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=png_upload(), caption="Approval"
    )
    services.dispute_escalate(dispute=dispute, by=client_user)
    return Dossier.objects.get(dispute=dispute)


def messages_of(data, kind):
    (conversation,) = [c for c in data["conversations"] if c["kind"] == kind]
    return conversation["messages"]


def test_the_dossier_holds_every_message_with_its_history_and_every_file_hash(
    dossier, correspondence
):
    data = dossier_data(dossier)
    room_messages = {m["id"]: m for m in messages_of(data, "workroom")}
    edited = room_messages[correspondence["edited"].pk]
    assert edited["body"] == "The build is ready for review (v2)"
    assert edited["revisions"][0]["body"] == "The build is ready for review"
    deleted = room_messages[correspondence["deleted"].pk]
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


def test_a_message_altered_without_a_trace_is_detected(dossier, correspondence):
    Message.objects.filter(pk=correspondence["edited"].pk).update(body="Nothing was ever ready")
    check = dossier_check(dossier)
    assert check.hash_ok and not check.intact
    assert any("changed without an edit record" in d for d in check.differences)


def test_a_rewritten_edit_history_is_detected(dossier, correspondence):
    MessageRevision.objects.filter(message=correspondence["edited"]).update(body="Something else")
    assert any("edit history" in d for d in dossier_check(dossier).differences)


def test_a_deleted_row_or_a_swapped_file_is_detected(dossier, correspondence):
    Message.objects.filter(pk=correspondence["deleted"].pk).delete()
    version = FileVersion.objects.get(pk=correspondence["version"].pk)
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


def test_a_party_renamed_or_deleted_has_changed_no_history(dossier, client_user, freelancer_user):
    # How an entry names its actor is shown, not recorded: "Deleted user" is no tampering.
    for person, name in ((client_user, "Deleted user"), (freelancer_user, "Sam R.")):
        person.name = name
        person.save(update_fields=["name"])

    check = dossier_check(dossier)

    assert check.intact, check.differences


def test_an_activity_entry_rewritten_is_still_detected(dossier, dispute):
    from workrooms.models import Activity

    Activity.objects.filter(workroom=dispute.workroom).update(summary="Nothing happened")

    assert any("activity history" in d for d in dossier_check(dossier).differences)
