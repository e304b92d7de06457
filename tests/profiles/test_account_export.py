"""“Download my data”: a person's own data from every app, as one JSON file, and nobody else's."""

import hashlib
import json
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services as disputes
from messaging import services as messaging
from profiles.services import account_export
from tests.profiles.account_scenes import (
    attach,
    job_with_invitation,
    mediator,
    open_dispute,
    room_with_records,
    send,
    text_file,
    with_photo_and_samples,
)

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("profiles:account_data_download")


@pytest.fixture
def world(alice, bob, eve, make_user):
    """Alice's data in every app, next to private data of Bob and Eve she must never get."""
    public, private = with_photo_and_samples(alice)
    direct = messaging.conversation_open_direct(user=alice, other=bob)
    sent_file = attach(direct.pk, alice, "contract-draft.txt", b"Draft terms.\n")
    send(direct.pk, alice, "Hello Bob, here is the draft", attachment_ids=[sent_file.pk])
    send(direct.pk, bob, "Bob's reply to Alice")
    unsent = attach(direct.pk, alice, "never-sent.txt", b"Not sent.\n")
    # A conversation Alice is not in.
    between_others = messaging.conversation_open_direct(user=bob, other=eve)
    send(between_others.pk, eve, "Eve's secret to Bob")
    room, version = room_with_records(alice, bob)
    job, invitation = job_with_invitation(alice, bob)
    dispute = open_dispute(room, by=bob)
    evidence = disputes.evidence_add(
        dispute=dispute, by=alice, uploaded_file=text_file("invoice.txt", b"Invoice 7.\n")
    )
    bob_evidence = disputes.evidence_add(
        dispute=dispute, by=bob, uploaded_file=text_file("bob-proof.txt", b"Bob's proof.\n")
    )
    mia = mediator(make_user)
    disputes.internal_note_add(dispute=dispute, by=mia, body="Mediator's private hunch")
    return {
        "direct": direct,
        "sent_file": sent_file,
        "unsent": unsent,
        "room": room,
        "version": version,
        "job": job,
        "invitation": invitation,
        "dispute": dispute,
        "evidence": evidence,
        "bob_evidence": bob_evidence,
        "public": public,
        "private": private,
    }


def sha256(field_file) -> str:
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_the_export_holds_the_persons_data_from_every_app(alice, bob, world):
    data = account_export(user=alice)

    assert data["account"]["email"] == alice.email
    assert data["account"]["email_addresses"] == [
        {"email": alice.email, "verified": True, "primary": True}
    ]
    profile = data["profile"]
    assert profile["title"] == "Brand strategist"
    assert profile["skills"] == ["Branding", "Copywriting"]
    alice.profile.refresh_from_db()
    assert profile["photo"]["name"] == alice.profile.photo_name
    assert profile["photo"]["sha256"] == sha256(alice.profile.photo)
    assert profile["photo"]["url"].endswith(alice.profile.photo_url)
    samples = {s["title"]: s for s in profile["work_samples"]}
    assert samples["Private sample"]["public"] is False
    world["private"].refresh_from_db()
    assert samples["Private sample"]["image"]["sha256"] == sha256(world["private"].image)

    sent = data["messaging"]["messages_sent"]
    assert [m["body"] for m in sent] == ["Hello Bob, here is the draft"]
    assert sent[0]["with"] == [bob.name]
    assert sent[0]["conversation"] == world["direct"].pk
    assert sent[0]["attachments"] == ["contract-draft.txt"]
    uploaded = {a["name"]: a for a in data["messaging"]["attachments_uploaded"]}
    assert uploaded["contract-draft.txt"]["sha256"] == world["sent_file"].sha256
    assert uploaded["never-sent.txt"]["message"] is None

    rooms = data["workrooms"]
    assert rooms["workrooms"][0]["other_party"] == bob.name
    assert rooms["files_shared"][0]["name"] == "brief.txt"
    assert rooms["files_shared"][0]["versions"][0]["sha256"] == world["version"].sha256
    assert [d["title"] for d in rooms["deadlines"]] == ["First draft"]
    assert [c["agenda"] for c in rooms["calls"]] == ["Kick-off"]

    assert data["invitations"]["jobs"][0]["title"] == "Logo refresh"
    assert data["invitations"]["invitations_sent"][0]["other_party"] == bob.name
    assert data["invitations"]["invitations_received"] == []

    (dispute,) = data["disputes"]["disputes"]
    assert dispute["you"] == "received it"
    assert dispute["description"] == "The draft misses the brief."
    assert [e["name"] for e in dispute["your_evidence"]] == ["invoice.txt"]
    assert dispute["your_evidence"][0]["sha256"] == world["evidence"].sha256


def test_the_export_holds_nothing_private_of_anyone_else(alice, bob, eve, world):
    text = json.dumps(account_export(user=alice))

    assert "Eve's secret to Bob" not in text  # a conversation she is not in
    assert "Bob's reply to Alice" not in text  # only what she sent
    # The other party's evidence: its line in the timeline both see, never the file itself.
    assert world["bob_evidence"].sha256 not in text
    assert f"/evidence/{world['bob_evidence'].pk}/" not in text
    assert "Mediator's private hunch" not in text
    assert "note_added" not in text  # not even the staff-only trace of the note
    for other in (bob, eve):
        assert other.email not in text
    assert eve.name not in text


def test_the_other_party_gets_their_own_side(alice, bob, world):
    data = account_export(user=bob)

    assert [m["body"] for m in data["messaging"]["messages_sent"]] == ["Bob's reply to Alice"]
    assert data["invitations"]["invitations_received"][0]["other_party"] == alice.name
    assert data["disputes"]["disputes"][0]["you"] == "opened it"
    assert [e["name"] for e in data["disputes"]["disputes"][0]["your_evidence"]] == [
        "bob-proof.txt"
    ]
    assert "never-sent.txt" not in json.dumps(data)


def test_the_links_in_the_export_download_for_the_owner_only(client, alice, bob, world):
    data = account_export(user=alice)
    private = next(s for s in data["profile"]["work_samples"] if not s["public"])
    path = urlsplit(private["image"]["url"]).path
    evidence_path = urlsplit(data["disputes"]["disputes"][0]["your_evidence"][0]["url"]).path

    client.force_login(alice)
    assert client.get(path).status_code == 200
    assert client.get(evidence_path).status_code == 200

    client.force_login(bob)
    assert client.get(path).status_code == 404


def test_the_export_takes_the_same_queries_for_one_item_or_many(alice, bob):
    direct = messaging.conversation_open_direct(user=alice, other=bob)
    send(direct.pk, alice, "one", attachment_ids=[attach(direct.pk, alice).pk])
    room, _ = room_with_records(alice, bob)
    job_with_invitation(alice, bob)
    dispute = open_dispute(room, by=bob)
    disputes.evidence_add(dispute=dispute, by=alice, uploaded_file=text_file())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            account_export(user=alice)
        return len(captured)

    one = queries()
    for n in range(24):
        send(direct.pk, alice, f"message {n}", attachment_ids=[attach(direct.pk, alice).pk])
    for n in range(3):
        room_with_records(alice, bob, title=f"Room {n}")
        job_with_invitation(alice, bob, title=f"Job {n}")
    assert queries() == one


# --- The page and the download ----------------------------------------------------------------


def test_the_page_offers_the_download(client, alice):
    client.force_login(alice)
    page = client.get(reverse("profiles:account_data"))
    assert page.status_code == 200
    assert b"Download my data" in page.content
    assert DOWNLOAD.encode() in page.content


def test_the_download_is_a_dated_json_attachment_of_ones_own_data(client, alice, bob, world):
    client.force_login(alice)
    response = client.post(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="tandem-data-{today}.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == alice.email
    assert bob.email not in response.content.decode()


def test_the_download_is_a_post(client, alice):
    client.force_login(alice)
    assert client.get(DOWNLOAD).status_code == 405


@pytest.mark.parametrize("url", [reverse("profiles:account_data"), DOWNLOAD])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.post(url) if url == DOWNLOAD else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
