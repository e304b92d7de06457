"""A person downloads their data, deletes their account, and can no longer sign in; the person
they wrote to still reads the conversation, from "Deleted user"."""

import json
import re
import uuid

from playwright.sync_api import expect

from messaging import services as messaging
from tests.e2e.people import log_in
from tests.factories import PASSWORD, UserFactory


def test_download_my_data_then_delete_my_account(live_url, browser):
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    direct = messaging.conversation_open_direct(user=sam, other=morgan)
    messaging.message_send(
        conversation_id=direct.pk,
        sender=sam,
        body="The invoice is attached to the workroom.",
        client_id=uuid.uuid4(),
        rate_limited=False,
    )

    page = log_in(browser, live_url, sam)

    # --- Your data: the account menu leads there; the button downloads a JSON file --------
    page.locator(".menu--account summary").click()
    page.get_by_role("link", name="Your data & account").click()
    expect(page).to_have_url(f"{live_url}/account/data/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"tandem-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(download.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "sam@example.com"
    assert [m["body"] for m in data["messaging"]["messages_sent"]] == [
        "The invoice is attached to the workroom."
    ]
    assert data["messaging"]["messages_sent"][0]["with"] == ["Morgan Lee"]
    assert "morgan@example.com" not in json.dumps(data)

    # --- Delete: a wrong password is refused next to the field, the right one deletes ------
    page.get_by_role("link", name="Delete my account…").click()
    expect(page).to_have_url(f"{live_url}/account/delete/")
    expect(page.get_by_role("heading", name="What stays, as “Deleted user”")).to_be_visible()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password. Nothing was deleted.")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(f"{live_url}/")
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()

    # --- Signing in no longer works ---------------------------------------------------------
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill("sam@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".banner--error, .field__error").first).to_be_visible()

    # --- Morgan still reads the conversation, from "Deleted user" ---------------------------
    other = log_in(browser, live_url, morgan)
    other.goto(f"{live_url}/messages/{direct.pk}/")
    thread = other.get_by_role("region", name="Conversation with Deleted user")
    expect(thread.locator(".msg__body")).to_have_text("The invoice is attached to the workroom.")
    expect(other.get_by_text("Sam Rivera")).to_have_count(0)
