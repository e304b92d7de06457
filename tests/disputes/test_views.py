"""The parties' pages: who may see what, opening a dispute (with evidence, with and without
JavaScript), every action through its POST endpoint, and what the page must never show."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, Evidence, Resolution
from tests.disputes.conftest import png_upload, text_upload
from workrooms.services import workroom_open, workroom_set_status

pytestmark = pytest.mark.django_db

FETCH = {"X-Requested-With": "fetch"}


def url(name, *args):
    return reverse(f"disputes:{name}", args=args)


def refresh(dispute) -> Dispute:
    return Dispute.objects.get(pk=dispute.pk)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "private" / "disputes"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def open_form(**overrides):
    data = {
        "reason": "quality",
        "description": "The homepage was delivered without the agreed mobile layout.",
        "desired_outcome": "A revision with the mobile layout by Friday.",
        "amount": "",
        "currency": "",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Authorization ------------------------------------------------------------------------------


def test_both_parties_get_the_dispute_and_see_it_in_their_list(
    client, dispute, client_user, freelancer_user
):
    for person in (client_user, freelancer_user):
        client.force_login(person)
        page = client.get(url("detail", dispute.pk))
        assert page.status_code == 200
        assert "Non-payment" in page.content.decode()
        listing = client.get(url("list")).content.decode()
        assert url("detail", dispute.pk) in listing


def test_a_stranger_gets_404_everywhere_and_anonymous_is_sent_to_log_in(
    client, dispute, room, stranger, freelancer_user
):
    item = services.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=png_upload())
    gets = [
        url("detail", dispute.pk),
        url("evidence", dispute.pk),
        url("evidence_download", dispute.pk, item.pk),
        url("evidence_preview", dispute.pk, item.pk),
        url("new", room.pk),
    ]
    posts = [
        url("propose", dispute.pk),
        url("escalate", dispute.pk),
        url("withdraw", dispute.pk),
        url("evidence_upload", dispute.pk),
    ]
    for address in gets + posts:
        response = client.get(address) if address in gets else client.post(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(stranger)
    for address in gets:
        assert client.get(address).status_code == 404, address
    for address in posts:
        assert client.post(address, {"terms": "x"}).status_code == 404, address
    assert url("detail", dispute.pk) not in client.get(url("list")).content.decode()
    assert refresh(dispute).status == Dispute.Status.OPEN


def test_a_strangers_fetch_gets_a_json_404(client, dispute, stranger):
    client.force_login(stranger)
    response = client.post(url("propose", dispute.pk), {"terms": "x"}, headers=FETCH)
    assert response.status_code == 404
    assert response.json() == {"error": "No such dispute.", "code": "not_found"}
    assert not Resolution.objects.exists()


def test_evidence_on_an_ended_dispute_is_refused_as_a_whole(
    client, dispute, freelancer_user, settings
):
    services.dispute_withdraw(dispute=dispute, by=freelancer_user)
    client.force_login(freelancer_user)
    response = client.post(
        url("evidence_upload", dispute.pk), {"files": text_upload()}, headers=FETCH
    )
    assert response.status_code == 403
    assert "has ended" in response.json()["error"]
    response = client.post(
        url("evidence_upload", dispute.pk), {"files": text_upload()}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("detail", dispute.pk)
    assert any("has ended" in m for m in messages_of(response))
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_evidence_downloads_as_an_attachment_for_parties_and_mediators_only(
    client, dispute, freelancer_user, client_user, mediator, staff_only, stranger
):
    item = services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=text_upload(), caption="The invoice"
    )
    address = url("evidence_download", dispute.pk, item.pk)
    for person in (client_user, freelancer_user, mediator):
        client.force_login(person)
        response = client.get(address)
        assert response.status_code == 200, person
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="invoice.txt"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"Invoice 42")
    for person in (stranger, staff_only):
        client.force_login(person)
        assert client.get(address).status_code == 404, person
    # An evidence id of another dispute is not found through this one.
    other_room = workroom_open(client=client_user, freelancer=stranger, title="Other")
    other = services.dispute_open(
        workroom=other_room, by=stranger, reason="other", description="d", desired_outcome="o"
    )
    client.force_login(stranger)
    assert client.get(url("evidence_download", other.pk, item.pk)).status_code == 404


def test_an_image_has_a_private_inline_preview(client, dispute, freelancer_user, client_user):
    item = services.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=png_upload())
    client.force_login(client_user)
    response = client.get(url("evidence_preview", dispute.pk, item.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Disposition"].startswith("attachment")
    page = client.get(url("detail", dispute.pk)).content.decode()
    assert f'src="{url("evidence_preview", dispute.pk, item.pk)}"' in page
    assert url("evidence_download", dispute.pk, item.pk) in page


# --- Opening ------------------------------------------------------------------------------------


def test_the_workroom_offers_to_open_a_dispute_then_points_at_the_open_one(
    client, room, client_user, freelancer_user
):
    client.force_login(freelancer_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert url("new", room.pk) in page and "Open a dispute" in page
    form = client.get(url("new", room.pk))
    assert form.status_code == 200
    assert "Morgan Lee" in form.content.decode()  # who it is with

    dispute = services.dispute_open(
        workroom=room, by=freelancer_user, reason="scope", description="d", desired_outcome="o"
    )
    client.force_login(client_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert "A dispute is open on this workroom" in page
    assert url("detail", dispute.pk) in page
    assert url("new", room.pk) not in page


def test_a_closed_room_offers_no_dispute(client, room, client_user):
    workroom_set_status(workroom=room, by=client_user, status="closed")
    client.force_login(client_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert url("new", room.pk) not in page


def test_opening_without_javascript_stores_the_files_in_the_same_post(
    client, room, client_user, freelancer_user, settings
):
    client.force_login(freelancer_user)
    response = client.post(
        url("new", room.pk),
        open_form(
            amount="250",
            currency="eur",
            **{"evidence-0": png_upload("home.png"), "caption-0": "The delivered homepage"},
            **{"evidence-2": text_upload("notes.txt"), "caption-2": ""},
        ),
        follow=True,
    )
    dispute = Dispute.objects.get()
    assert response.redirect_chain[-1][0] == url("detail", dispute.pk)
    assert dispute.opened_by == freelancer_user and dispute.other_party == client_user
    assert dispute.reason == "quality" and str(dispute.amount) == "250.00"
    assert dispute.currency == "EUR"
    assert list(Evidence.objects.values_list("name", "caption")) == [
        ("home.png", "The delivered homepage"),
        ("notes.txt", ""),
    ]
    assert "Dispute opened. Morgan Lee has been told." in messages_of(response)
    assert len(stored_files(settings)) == 3  # two files and the image's preview


def test_opening_with_javascript_answers_json_then_each_file_uploads(client, room, freelancer_user):
    client.force_login(freelancer_user)
    response = client.post(url("new", room.pk), open_form(), headers=FETCH)
    assert response.status_code == 201
    dispute = Dispute.objects.get()
    body = response.json()
    assert body["url"] == url("detail", dispute.pk)
    assert body["evidence_url"] == url("evidence_upload", dispute.pk)
    upload = client.post(
        body["evidence_url"], {"files": png_upload(), "caption": "Screenshot"}, headers=FETCH
    )
    assert upload.status_code == 201
    assert upload.json()["evidence"] == [{"name": "screenshot.png", "caption": "Screenshot"}]


def test_a_mistake_keeps_what_was_typed_with_the_message_next_to_the_field(
    client, room, freelancer_user
):
    client.force_login(freelancer_user)
    response = client.post(
        url("new", room.pk),
        open_form(description="", amount="120", currency="", **{"caption-1": "Kept caption"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="open-description_error"' in page and "Describe what happened" in page
    assert 'id="open-currency_error"' in page
    assert "A revision with the mobile layout by Friday." in page
    assert 'value="120"' in page and 'value="Kept caption"' in page
    assert not Dispute.objects.exists()
    # With JavaScript the fields come back as HTML to swap in place.
    response = client.post(url("new", room.pk), open_form(description=""), headers=FETCH)
    assert response.status_code == 400
    assert "Describe what happened" in response.json()["html"]


def test_a_second_dispute_is_refused_with_a_link_to_the_open_one(
    client, dispute, room, freelancer_user, client_user
):
    client.force_login(client_user)
    page = client.get(url("new", room.pk)).content.decode()
    assert "already has an open dispute" in page
    assert url("detail", dispute.pk) in page
    assert 'id="open-description"' not in page

    response = client.post(url("new", room.pk), open_form())
    assert response.status_code == 400
    page = response.content.decode()
    assert "already has an open dispute" in page
    assert url("detail", dispute.pk) in page
    assert Dispute.objects.count() == 1


def test_a_workroom_you_are_not_in_is_404(client, room, stranger):
    client.force_login(stranger)
    assert client.get(url("new", room.pk)).status_code == 404
    assert client.post(url("new", room.pk), open_form()).status_code == 404
    assert not Dispute.objects.exists()


def test_oversized_evidence_is_refused_while_streaming_and_nothing_is_stored(
    client, room, dispute, freelancer_user, settings
):
    settings.FILE_UPLOAD_MAX_SIZE = 1024
    client.force_login(freelancer_user)
    big = SimpleUploadedFile("big.txt", b"x" * 5000, content_type="text/plain")
    response = client.post(url("evidence_upload", dispute.pk), {"files": big}, headers=FETCH)
    assert response.status_code == 413
    assert response.json()["error"] == "Files may be at most 1 KB. Nothing was stored."
    assert "Nothing was stored" in response.json()["error"]
    big.seek(0)
    response = client.post(url("evidence_upload", dispute.pk), {"files": big, "caption": "c"})
    assert response.status_code == 413
    assert "Nothing was stored" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_oversized_evidence_on_the_open_form_opens_nothing(client, room, freelancer_user, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1024
    client.force_login(freelancer_user)
    big = SimpleUploadedFile("big.txt", b"x" * 5000, content_type="text/plain")
    response = client.post(url("new", room.pk), open_form(**{"evidence-0": big}))
    assert response.status_code == 413
    assert "Nothing was stored" in response.content.decode()
    assert not Dispute.objects.exists()
    assert stored_files(settings) == []


def test_a_disallowed_type_is_refused_with_its_reason(client, dispute, freelancer_user, settings):
    client.force_login(freelancer_user)
    tool = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url("evidence_upload", dispute.pk), {"files": tool}, headers=FETCH)
    assert response.status_code == 400
    assert response.json()["error"].startswith("tool.exe:")
    spoofed = SimpleUploadedFile("shot.png", b"not an image", content_type="image/png")
    response = client.post(url("evidence_upload", dispute.pk), {"files": spoofed})
    assert response.status_code == 400
    assert "shot.png:" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


# --- Actions ------------------------------------------------------------------------------------


def test_propose_then_the_other_party_rejects_then_the_opener_may_escalate(
    client, dispute, client_user, freelancer_user
):
    client.force_login(freelancer_user)
    page = client.get(url("detail", dispute.pk)).content.decode()
    assert "Propose a settlement" in page
    assert "Escalate to mediation" not in page  # the opener waits for an answer first
    assert "has until" in page  # ...and is told why
    response = client.post(
        url("propose", dispute.pk),
        {"terms": "Pay half now, half on delivery.", "amount": "200", "currency": "usd"},
        follow=True,
    )
    assert "Proposal sent." in " ".join(messages_of(response))
    proposal = Resolution.objects.get()
    assert proposal.status == Resolution.Status.PENDING and proposal.currency == "USD"
    # The proposer sees it waiting, without the buttons.
    assert url("answer", dispute.pk, proposal.pk) not in response.content.decode()

    client.force_login(client_user)
    page = client.get(url("detail", dispute.pk)).content.decode()
    assert "Pay half now, half on delivery." in page
    assert url("answer", dispute.pk, proposal.pk) in page
    response = client.post(
        url("answer", dispute.pk, proposal.pk),
        {"decision": "reject", "note": "Half is too much before delivery."},
        follow=True,
    )
    assert "You rejected the proposal." in messages_of(response)
    proposal.refresh_from_db()
    assert proposal.status == Resolution.Status.REJECTED

    client.force_login(freelancer_user)
    page = client.get(url("detail", dispute.pk)).content.decode()
    assert "Escalate to mediation" in page
    response = client.post(url("escalate", dispute.pk), follow=True)
    assert "Escalated to mediation." in " ".join(messages_of(response))
    assert refresh(dispute).status == Dispute.Status.MEDIATION


def test_both_accepting_resolves_it_and_the_page_shows_only_the_outcome(
    client, dispute, client_user, freelancer_user, mediator
):
    services.dispute_escalate(dispute=dispute, by=client_user)
    services.mediator_assign(dispute=dispute, by=mediator)
    proposal = services.proposal_make(
        dispute=dispute, by=mediator, terms="The client pays 300 USD.", amount="300", currency="USD"
    )
    client.force_login(client_user)
    response = client.post(
        url("answer", dispute.pk, proposal.pk), {"decision": "accept"}, follow=True
    )
    assert "You accepted. Waiting for the other answer." in messages_of(response)
    client.force_login(freelancer_user)
    response = client.post(
        url("answer", dispute.pk, proposal.pk), {"decision": "accept"}, follow=True
    )
    assert "You accepted. The dispute is resolved." in messages_of(response)
    assert refresh(dispute).status == Dispute.Status.RESOLVED
    page = response.content.decode()
    assert "<strong>Resolved</strong>" in page
    assert "The client pays 300 USD." in page
    for gone in ("Propose a settlement", "Escalate to mediation", "Withdraw", "Add evidence"):
        assert gone not in page
    assert "data-composer" not in page  # the thread is read-only
    assert "This conversation is closed." in page


def test_the_other_party_may_escalate_at_once(client, dispute, client_user):
    client.force_login(client_user)
    page = client.get(url("detail", dispute.pk)).content.decode()
    assert "Escalate to mediation" in page
    assert "Withdraw the dispute" not in page  # only the opener withdraws
    client.post(url("escalate", dispute.pk))
    assert refresh(dispute).status == Dispute.Status.MEDIATION


def test_out_of_turn_gets_a_message_and_nothing_changes(
    client, dispute, client_user, freelancer_user
):
    client.force_login(freelancer_user)
    # The opener, before the response time has passed.
    response = client.post(url("escalate", dispute.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", dispute.pk)
    assert any("has until" in m for m in messages_of(response))
    assert refresh(dispute).status == Dispute.Status.OPEN

    # Answering your own proposal.
    proposal = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    response = client.post(
        url("answer", dispute.pk, proposal.pk), {"decision": "accept"}, follow=True
    )
    assert "You made this proposal: the other party answers it." in messages_of(response)
    # A second proposal while one waits.
    response = client.post(url("propose", dispute.pk), {"terms": "Another"}, follow=True)
    assert any("already waiting" in m for m in messages_of(response))
    assert Resolution.objects.count() == 1

    # The other party may not withdraw; a fetch gets JSON 403.
    client.force_login(client_user)
    response = client.post(url("withdraw", dispute.pk), headers=FETCH)
    assert response.status_code == 403
    assert "Only the person who opened the dispute" in response.json()["error"]
    assert refresh(dispute).status == Dispute.Status.OPEN
    proposal.refresh_from_db()
    assert proposal.status == Resolution.Status.PENDING


def test_a_proposal_without_terms_shows_the_error_in_the_open_form(client, dispute, client_user):
    client.force_login(client_user)
    response = client.post(url("propose", dispute.pk), {"terms": "", "amount": "50"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="propose-terms_error"' in page
    assert re.search(
        r'<details class="disclosure dispute-disclosure" data-form="propose" open>', page
    )
    assert 'value="50"' in page
    assert not Resolution.objects.exists()


def test_the_opener_withdraws(client, dispute, freelancer_user):
    client.force_login(freelancer_user)
    response = client.post(
        url("withdraw", dispute.pk), {"note": "We sorted it out on a call."}, follow=True
    )
    assert "You withdrew the dispute." in messages_of(response)
    assert refresh(dispute).status == Dispute.Status.WITHDRAWN
    assert "Withdraw the dispute" not in response.content.decode()


def test_evidence_added_on_the_page_shows_in_the_gallery(client, dispute, client_user):
    client.force_login(client_user)
    response = client.post(
        url("evidence_upload", dispute.pk),
        {"files": [png_upload("a.png"), text_upload("b.txt")], "caption": "Both"},
        follow=True,
    )
    assert "Added a.png, b.txt to the evidence." in messages_of(response)
    gallery = client.get(url("evidence", dispute.pk)).content.decode()
    assert "a.png" in gallery and "b.txt" in gallery and "Both" in gallery


# --- Never on a party's page --------------------------------------------------------------------


def test_internal_notes_never_reach_a_party_or_the_mediator_on_this_page(
    client, dispute, client_user, freelancer_user, mediator
):
    services.dispute_escalate(dispute=dispute, by=client_user)
    services.mediator_assign(dispute=dispute, by=mediator)
    services.internal_note_add(
        dispute=dispute, by=mediator, body="SECRET-NOTE: the client seems to be stalling."
    )
    for person in (client_user, freelancer_user, mediator):
        client.force_login(person)
        page = client.get(url("detail", dispute.pk)).content.decode()
        assert "SECRET-NOTE" not in page
        assert "stalling" not in page
        assert "Internal note" not in page and "note_added" not in page
        assert "asked for mediation" in page  # the timeline is there, without the note


# --- Query counts -------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_one_dispute_and_for_five(
    client, client_user, make_user
):
    def dispute_with(n):
        freelancer = make_user(role="freelancer")
        room = workroom_open(client=client_user, freelancer=freelancer, title=f"Room {n}")
        dispute = services.dispute_open(
            workroom=room, by=freelancer, reason="scope", description="d", desired_outcome="o"
        )
        if n % 2:
            services.proposal_make(dispute=dispute, by=freelancer, terms=f"Terms {n}")
        return dispute

    dispute_with(1)
    client.force_login(client_user)
    address = url("list")
    client.get(address)
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    for n in range(2, 6):
        dispute_with(n)
    with CaptureQueriesContext(connection) as five:
        page = client.get(address).content.decode()
    assert page.count('class="card dispute-card') == 5
    assert "left to answer the proposal" in page and "left to answer" in page
    assert len(five) == len(one)


def test_an_empty_list_says_disputes_start_from_a_workroom(client, client_user):
    client.force_login(client_user)
    page = client.get(url("list")).content.decode()
    assert "open a dispute from its workroom" in page


def test_a_counter_proposal_with_no_currency_is_in_the_disputes_currency(
    client, room, freelancer_user, client_user
):
    dispute = services.dispute_open(
        workroom=room,
        by=freelancer_user,
        reason="non_payment",
        description="The second milestone was approved but never paid.",
        desired_outcome="Payment of the milestone.",
        amount="400",
        currency="eur",
    )
    client.force_login(client_user)

    page = client.get(url("detail", dispute.pk)).content.decode()
    assert re.search(r'<option value="EUR" selected>', page)
    response = client.post(
        url("propose", dispute.pk), {"terms": "Half now, half on delivery.", "amount": "200"}
    )

    assert response.status_code == 302
    proposal = Resolution.objects.get()
    assert (proposal.amount, proposal.currency) == (Decimal("200.00"), "EUR")
