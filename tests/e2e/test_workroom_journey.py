"""Two people in one workroom: a file and a deadline appear live for the other, who delivers
against the deadline with the file; the first approves, and both see it without reloading."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.people import log_in, wait_until
from tests.factories import UserFactory
from workrooms.models import Deadline
from workrooms.services import workroom_open


@pytest.fixture
def room(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    return workroom_open(client=morgan, freelancer=sam, title="Website rebuild")


def panel(page, name):
    return page.locator(f"#panel-{name}")


def test_a_file_and_a_deadline_go_live_then_submit_and_approve(browser, live_url, room, tmp_path):
    morgan = log_in(browser, live_url, room.client)
    sam = log_in(browser, live_url, room.freelancer)
    url = f"{live_url}/workrooms/{room.pk}/"
    morgan.goto(url)
    sam.goto(url)
    expect(sam.locator(f'[data-conversation-id="{room.conversation_id}"]')).to_be_visible()
    # Both pages are connected before anything happens, so what follows arrives live.
    wait_until(sam, "window.tandemLive && window.tandemLive.connected")
    wait_until(morgan, "window.tandemLive && window.tandemLive.connected")

    # Morgan shares a file, with a progress bar that finishes.
    brief = tmp_path / "brief.txt"
    brief.write_text("What the site must do.\n")
    morgan.get_by_role("tab", name="Files").click()
    panel(morgan, "files").get_by_label("Share files").set_input_files(str(brief))
    panel(morgan, "files").get_by_role("button", name="Upload").click()
    expect(morgan.locator(".upload-list__item--done")).to_have_count(1)
    expect(panel(morgan, "files").get_by_role("link", name="brief.txt")).to_be_visible()

    # ...and sets a deadline.
    due = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    morgan.get_by_role("tab", name="Deadlines").click()
    morgan.get_by_text("Set a deadline").click()
    form = panel(morgan, "deadlines")
    form.get_by_label("Title").fill("Sitemap and content model")
    form.get_by_label(re.compile("^Due")).fill(due)
    form.get_by_role("button", name="Set deadline").click()
    expect(morgan).to_have_url(re.compile(r"tab=deadlines"))

    # Sam sees both without reloading, and the system lines in the chat.
    sam.get_by_role("tab", name="Files").click()
    expect(panel(sam, "files").get_by_role("link", name="brief.txt")).to_be_visible()
    sam.get_by_role("tab", name="Deadlines").click()
    item = panel(sam, "deadlines").locator(".room-item", has_text="Sitemap and content model")
    expect(item).to_be_visible()
    expect(
        sam.locator("[data-messages]").get_by_text("Morgan Lee shared brief.txt.")
    ).to_be_visible()

    # Sam delivers against the deadline with the file.
    item.get_by_text("Submit work").click()
    item.get_by_label("brief.txt (version 1)").check()
    item.get_by_label("Note to the client").fill("First pass, see the brief.")
    item.get_by_role("button", name="Submit for review").click()
    expect(sam).to_have_url(re.compile(r"tab=deadlines"))
    expect(panel(sam, "deadlines").get_by_text("Submitted", exact=True)).to_be_visible()

    # Morgan sees the submission live and approves it; Sam sees that live.
    mine = panel(morgan, "deadlines").locator(".room-item", has_text="Sitemap and content model")
    expect(mine.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(mine.get_by_role("link", name="brief.txt")).to_be_visible()
    mine.get_by_role("button", name="Approve").click()
    expect(panel(morgan, "deadlines").get_by_text("Approved", exact=True)).to_be_visible()
    expect(panel(sam, "deadlines").get_by_text("Approved", exact=True)).to_be_visible()
    deadline = Deadline.objects.get()
    assert deadline.status == "approved"
    assert [v.shared_file.name for v in deadline.delivered_versions.all()] == ["brief.txt"]


def test_typing_survives_a_live_update_and_a_spoofed_upload_is_refused(
    browser, live_url, room, tmp_path
):
    from workrooms.services import deadline_set

    deadline_set(
        workroom=room,
        by=room.client,
        title="Homepage",
        due_at=timezone.now() + timedelta(days=2),
    )
    morgan = log_in(browser, live_url, room.client)
    sam = log_in(browser, live_url, room.freelancer)
    url = f"{live_url}/workrooms/{room.pk}/?tab=deadlines"
    morgan.goto(url)
    sam.goto(url)
    wait_until(sam, "window.tandemLive && window.tandemLive.connected")

    # Sam starts writing a delivery note...
    item = panel(sam, "deadlines").locator(".room-item", has_text="Homepage")
    item.get_by_text("Submit work").click()
    item.get_by_label("Note to the client").fill("Half written")

    # ...while Morgan renames the deadline.
    mine = panel(morgan, "deadlines").locator(".room-item", has_text="Homepage")
    mine.get_by_text("Edit").click()
    mine.get_by_label("Title").fill("Homepage and footer")
    mine.get_by_role("button", name="Save changes").click()
    expect(morgan).to_have_url(re.compile(r"tab=deadlines"))

    # Sam's text is kept; the update is offered, and shown when asked for.
    expect(sam.get_by_role("button", name="Show the latest changes")).to_be_visible()
    expect(item.get_by_label("Note to the client")).to_have_value("Half written")
    sam.get_by_role("button", name="Show the latest changes").click()
    expect(panel(sam, "deadlines").get_by_text("Homepage and footer")).to_be_visible()

    # A file whose contents do not match its name is refused with a clear message.
    fake = tmp_path / "logo.png"
    fake.write_text("<html>not an image</html>")
    morgan.get_by_role("tab", name="Files").click()
    panel(morgan, "files").get_by_label("Share files").set_input_files(str(fake))
    panel(morgan, "files").get_by_role("button", name="Upload").click()
    expect(morgan.locator(".upload-list__item--error")).to_contain_text("don't match its name")
    expect(panel(morgan, "files").get_by_text("No files yet")).to_be_visible()


def test_pausing_and_closing_reach_the_other_page_without_losing_a_draft(browser, live_url, room):
    morgan = log_in(browser, live_url, room.client)
    sam = log_in(browser, live_url, room.freelancer)
    url = f"{live_url}/workrooms/{room.pk}/"
    morgan.goto(url)
    sam.goto(url)
    wait_until(sam, "window.tandemLive && window.tandemLive.connected")

    # Sam is writing a message when Morgan pauses the room: the draft stays, a notice shows.
    sam.get_by_label("Message", exact=True).fill("Almost done with the")
    morgan.locator(".room__tools summary").click()
    morgan.get_by_role("button", name="Pause the workroom").click()
    expect(morgan.locator("[data-room-status]")).to_have_text("Paused")
    expect(sam.get_by_text("The workroom's status just changed.")).to_be_visible()
    expect(sam.get_by_label("Message", exact=True)).to_have_value("Almost done with the")

    # With nothing typed, closing simply shows: read-only, no composer.
    sam.get_by_label("Message", exact=True).fill("")
    morgan.on("dialog", lambda dialog: dialog.accept())
    morgan.locator(".room__tools summary").click()
    morgan.get_by_role("button", name="Close the workroom…").click()
    expect(sam.locator("[data-room-status]")).to_have_text("Closed")
    expect(sam.get_by_text("This workroom is closed.", exact=False).first).to_be_visible()
    expect(sam.get_by_label("Message", exact=True)).to_have_count(0)
