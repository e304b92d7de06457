"""Sam blocks Morgan. On Sam's profile, Morgan's *Message* and *Invite to job* buttons each
say plainly that it can't be done, and lead back to the profile: no dead end, and nothing
about who blocked whom."""

from playwright.sync_api import expect

from messaging import services as messaging
from tests.e2e.people import log_in
from tests.factories import UserFactory


def test_a_blocked_pairs_profile_buttons_explain(browser, live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    messaging.user_block(blocker=sam, blocked=morgan)

    page = log_in(browser, live_url, morgan)
    profile = f"{live_url}/u/{sam.handle}/"
    page.goto(profile)
    page.get_by_role("button", name="Message").click()
    expect(page).to_have_url(profile)
    expect(page.get_by_role("alert")).to_contain_text("You can't send messages to this person.")

    page.get_by_role("link", name="Invite to job").click()
    expect(page.get_by_role("alert")).to_contain_text("You can't invite this person.")
    expect(page.locator("[data-invite-form]")).to_have_count(0)
    page.get_by_role("link", name="← Sam Rivera").click()
    expect(page).to_have_url(profile)
