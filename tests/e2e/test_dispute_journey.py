"""A dispute from first word to resolution: the freelancer opens it from the workroom with a
screenshot, the client answers live in its thread and (as the other party, who may) asks for
mediation, a mediator assigns it to herself in the Django admin and proposes terms, both
parties accept on their own pages and both see it resolved."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from disputes.models import Dispute, Evidence
from tests.e2e.people import log_in, wait_until
from tests.factories import UserFactory
from workrooms.services import workroom_open


@pytest.fixture
def room(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    return workroom_open(client=morgan, freelancer=sam, title="Mobile app")


@pytest.fixture
def ada(live_url):
    user = UserFactory(email="ada@example.com", name="Ada Admin", role="client")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="disputes",
            codename__in=["mediate_dispute", "view_dispute", "change_dispute"],
        )
    )
    return user


@pytest.fixture
def screenshot(tmp_path):
    image = Image.new("RGB", (640, 400), (246, 247, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 120), fill=(13, 107, 104))
    draw.text((60, 70), "Milestone 2: approved, unpaid", fill=(255, 255, 255))
    path = tmp_path / "approved-unpaid.png"
    out = BytesIO()
    image.save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def live(page):
    wait_until(page, "window.tandemLive && window.tandemLive.connected")


def test_open_answer_escalate_mediate_and_both_accept(browser, live_url, room, ada, screenshot):
    sam = log_in(browser, live_url, room.freelancer)
    morgan = log_in(browser, live_url, room.client)
    for page in (sam, morgan):
        page.on("dialog", lambda dialog: dialog.accept())

    # Sam opens a dispute from the workroom, with a screenshot and its caption.
    sam.goto(f"{live_url}/workrooms/{room.pk}/")
    sam.get_by_role("link", name="Open a dispute").click()
    expect(sam).to_have_url(f"{live_url}/workrooms/{room.pk}/dispute/new/")
    sam.get_by_label("What is the dispute about?").select_option(label="Non-payment")
    sam.get_by_label("What happened").fill("Milestone 2 was approved on 3 May but never paid.")
    sam.get_by_label("What would settle it for you").fill("Payment of milestone 2.")
    sam.get_by_label("Amount in question").fill("400")
    sam.get_by_label("Currency").select_option("USD")
    sam.get_by_label("File 1", exact=True).set_input_files(str(screenshot))
    sam.get_by_label("Caption for file 1").fill("The approval, with no payment")
    sam.get_by_role("button", name="Open the dispute").click()
    expect(sam).to_have_url(re.compile(r"/disputes/\d+/$"))
    dispute = Dispute.objects.get()
    assert Evidence.objects.get().caption == "The approval, with no payment"
    gallery = sam.locator("[data-gallery]")
    expect(gallery.get_by_text("The approval, with no payment")).to_be_visible()
    expect(gallery.get_by_role("img")).to_be_visible()
    expect(sam.locator(".dispute-head")).to_contain_text("5 days left for them to answer")
    live(sam)

    # Morgan finds it in Disputes and answers in the thread; Sam sees it without reloading.
    morgan.get_by_role("navigation", name="Main").first.get_by_role("link", name="Disputes").click()
    morgan.get_by_role("link", name=re.compile("Non-payment")).click()
    expect(morgan.get_by_text("Milestone 2 was approved on 3 May but never paid.")).to_be_visible()
    live(morgan)
    morgan.locator(".composer__input").fill("The approval was a mistake: the build crashes.")
    morgan.locator(".composer__input").press("Enter")
    expect(
        sam.locator("[data-messages]").get_by_text("The approval was a mistake: the build crashes.")
    ).to_be_visible()

    # The client, as the other party, may ask for mediation at once.
    morgan.get_by_role("button", name="Escalate to mediation").click()
    expect(morgan.locator(".dispute-head")).to_contain_text("Waiting for a Tandem mediator")
    # Sam's page follows by itself (nothing typed there).
    expect(sam.locator(".dispute-head")).to_contain_text("Waiting for a Tandem mediator")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.MEDIATION

    # Ada takes it in the admin and proposes terms.
    admin = log_in(browser, live_url, ada)
    admin.goto(f"{live_url}/admin/disputes/dispute/")
    admin.locator(f'input[name="_selected_action"][value="{dispute.pk}"]').check()
    admin.locator('select[name="action"]').select_option(label="Assign to me")
    admin.get_by_role("button", name="Go").click()
    admin.goto(f"{live_url}/admin/disputes/dispute/{dispute.pk}/change/")
    proposal = admin.locator("#mediate-propose")
    proposal.locator('textarea[name$="terms"]').fill(
        "Morgan pays 300 USD for milestone 2; Sam fixes the crash within a week."
    )
    proposal.locator('input[name$="amount"]').fill("300")
    proposal.locator('select[name$="currency"]').select_option("USD")
    proposal.get_by_role("button", name=re.compile("proposal", re.I)).click()
    dispute.refresh_from_db()
    assert dispute.mediator == ada

    # Both accept on their own pages (each page has followed the changes by itself).
    for page in (sam, morgan):
        card = page.locator("#proposal")
        expect(card).to_contain_text("Morgan pays 300 USD for milestone 2")
        expect(card).to_contain_text("From the mediator, Ada Admin")
    sam.locator("#proposal").get_by_role("button", name="Accept").click()
    expect(sam.locator("#toasts")).to_contain_text("Waiting for the other answer")
    live(sam)
    morgan.locator("#proposal").get_by_role("button", name="Accept").click()
    expect(morgan.locator("#toasts")).to_contain_text("The dispute is resolved")

    for page in (morgan, sam):
        expect(page.locator(".dispute-outcome")).to_contain_text("Resolved")
        expect(page.locator(".dispute-outcome")).to_contain_text("Morgan pays 300 USD")
        expect(page.get_by_role("button", name="Accept")).to_have_count(0)
        expect(page.locator("[data-composer]")).to_have_count(0)
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.RESOLVED
