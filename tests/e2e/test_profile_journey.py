"""A freelancer completes their profile; a client finds them by keyword and presses Message."""

import re
from io import BytesIO

from PIL import Image
from playwright.sync_api import expect

from profiles import services
from tests.factories import PASSWORD, UserFactory

OVERVIEW = (
    "I build web products end to end with Django and React, from the data model to the last "
    "pixel. " * 8
).strip()


def png(size=(600, 600), colour=(13, 107, 104)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def log_in(page, live_url, email):
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    expect(page).to_have_url(f"{live_url}/")


def test_freelancer_completes_profile_and_client_finds_and_messages_them(page, live_url, browser):
    UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    other = UserFactory(email="other@example.com", name="Robin Other", role="freelancer")
    # Someone else lists React, so the edit page suggests it as a popular skill.
    services.profile_update(
        profile=other.profile, data={"title": "Frontend developer"}, skills=["React", "CSS"]
    )

    # --- Sam fills in the profile and watches the meter ------------------------------------
    log_in(page, live_url, "sam@example.com")
    expect(page.get_by_text("0% done. Next: Add a profile photo.")).to_be_visible()
    page.get_by_role("link", name="Complete your profile", exact=True).click()
    expect(page).to_have_url(f"{live_url}/profile/edit/")
    meter = page.locator(".edit__meter [data-meter-percent]")
    expect(meter).to_have_text("0")

    # The photo uploads as soon as it is chosen (XMLHttpRequest with a progress bar).
    with page.expect_response(re.compile(r"/profile/photo/$")) as upload:
        page.locator("[data-photo-input]").set_input_files(
            {"name": "me.png", "mimeType": "image/png", "buffer": png()}
        )
    assert upload.value.status == 200
    expect(meter).to_have_text("15")
    expect(page.locator("[data-photo-preview] img")).to_have_attribute(
        "src", re.compile(r"^/u/sam-rivera/photo/")
    )

    details = page.locator("#details")
    details.get_by_label("Title").fill("Full-stack Django developer")
    details.get_by_label("Overview").fill(OVERVIEW)
    expect(details.locator("[data-overview-counter]")).to_contain_text("words")
    details.get_by_label("Skills").fill("django, PostgreSQL")
    details.get_by_role("button", name="+ React").click()  # a popular-skill suggestion
    details.get_by_label("Hourly rate").fill("85")
    details.get_by_label("Full-time").check()
    details.get_by_label("Timezone").select_option("Europe/Lisbon")
    details.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(meter).to_have_text("85")
    expect(page.locator("#details").get_by_label("Skills")).to_have_value(
        "Django, PostgreSQL, React"
    )

    samples = page.locator("#samples")
    samples.get_by_label("Title").fill("Physio booking platform")
    samples.get_by_label("Description").fill("Online booking for a chain of 14 clinics.")
    samples.get_by_label("Image").set_input_files(
        {"name": "screen.png", "mimeType": "image/png", "buffer": png((1200, 750))}
    )
    samples.get_by_role("button", name="Add sample").click()

    expect(page.get_by_text("is added to your work samples")).to_be_visible()
    expect(meter).to_have_text("100")
    expect(page.locator(".edit__meter")).to_contain_text("Clients see everything they need")

    # --- Morgan searches by keyword and presses Message -------------------------------------
    client_page = browser.new_context().new_page()
    client_page.set_default_timeout(10_000)
    log_in(client_page, live_url, "morgan@example.com")
    client_page.get_by_role("link", name="Find freelancers").first.click()
    expect(client_page.get_by_text("Who are you looking for?")).to_be_visible()
    client_page.get_by_label("Search freelancers").fill("postgresql")
    client_page.get_by_role("button", name="Search", exact=True).click()

    results = client_page.locator(".freelancer-card")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Full-stack Django developer")
    expect(results.first).to_contain_text("$85/h")
    results.first.get_by_role("link", name="Sam Rivera").click()

    expect(client_page).to_have_url(f"{live_url}/u/sam-rivera/")
    expect(client_page.get_by_role("heading", name="Sam Rivera")).to_be_visible()
    expect(client_page.get_by_text("Physio booking platform")).to_be_visible()
    invite = client_page.get_by_role("link", name="Invite to job")
    expect(invite).to_have_attribute("href", "/invitations/new/?freelancer=sam-rivera")

    with client_page.expect_request(
        lambda request: (
            request.method == "POST" and request.url == f"{live_url}/messages/with/sam-rivera/"
        )
    ):
        client_page.get_by_role("button", name="Message").click()
    expect(client_page).to_have_url(re.compile(rf"^{re.escape(live_url)}/messages/\d+/$"))
