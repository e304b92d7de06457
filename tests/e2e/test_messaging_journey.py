"""Two people in two browsers: live delivery, "Seen", reconnection without loss, edits."""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from messaging.models import Message
from tests.e2e.people import log_in, wait_until
from tests.factories import UserFactory


def in_thread(page):
    return page.locator("[data-messages]")


def send(page, text):
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")


@pytest.fixture
def people(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    return morgan, sam


def test_two_people_talk_live(browser, live_url, people):
    morgan, sam = people
    morgan_page = log_in(browser, live_url, morgan)
    sam_page = log_in(browser, live_url, sam)

    # Morgan opens the conversation the way the profile's Message button does (a POST).
    morgan_page.evaluate(
        """(handle) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = `/messages/with/${handle}/`;
            const token = document.createElement("input");
            token.name = "csrfmiddlewaretoken";
            token.value = document.cookie.match(/csrftoken=([^;]+)/)[1];
            form.append(token);
            document.body.append(form);
            form.submit();
        }""",
        sam.handle,
    )
    expect(morgan_page).to_have_url(re.compile(r"/messages/\d+/$"))
    thread_url = morgan_page.url
    chat = morgan_page.locator("[data-conversation-id]")
    expect(chat).to_be_visible()

    sam_page.goto(thread_url)
    expect(sam_page.locator("[data-conversation-id]")).to_be_visible()

    send(morgan_page, "Hi Sam, are you free to talk about the website?")
    expect(
        in_thread(sam_page).get_by_text("Hi Sam, are you free to talk about the website?")
    ).to_be_visible()
    expect(morgan_page.locator(".msg--pending")).to_have_count(0)

    # Sam's page is open and focused, so Morgan sees "Seen".
    sam_page.bring_to_front()
    sam_page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(morgan_page.get_by_text("Seen", exact=True)).to_be_visible()

    # Morgan looks away (so the reply stays unread) while Sam answers.
    morgan_page.evaluate("document.hasFocus = () => false")
    sam_page.get_by_label("Message", exact=True).fill("Yes!")
    typing = morgan_page.locator("[data-typing]")
    expect(typing).to_have_text("Sam is typing…")
    send(sam_page, "Yes! Tomorrow morning works for me.")
    expect(
        in_thread(morgan_page).get_by_text("Yes! Tomorrow morning works for me.")
    ).to_be_visible()
    # Sam's message ends "Sam is typing…" at once, not when its 4 seconds run out.
    expect(typing).to_have_text("", timeout=1500)
    # The tab title and the conversation list beside the thread follow: Morgan's socket,
    # subscribed, got the reply once, as message.new carrying the unread count, and live.js
    # passed the count on.
    conversation_id = chat.get_attribute("data-conversation-id")
    item = morgan_page.locator(f'[data-convlist] [data-conversation="{conversation_id}"]')
    expect(item.locator("[data-preview]")).to_have_text("Yes! Tomorrow morning works for me.")
    expect(item.locator("[data-unread]")).to_contain_text("1")
    expect(morgan_page).to_have_title(re.compile(r"^\(1\) "))
    morgan_page.evaluate("delete document.hasFocus; window.dispatchEvent(new Event('focus'))")
    expect(morgan_page).not_to_have_title(re.compile(r"^\(1\) "))

    # Sam's socket is closed from the page; Morgan keeps writing meanwhile.
    sam_page.evaluate("window.tandemLive.socket.close()")
    expect(sam_page.get_by_text("Reconnecting…")).to_be_visible()
    for n in range(3):
        send(morgan_page, f"While you were away {n}")
    expect(morgan_page.locator(".msg--pending")).to_have_count(0)
    for n in range(3):
        expect(in_thread(sam_page).get_by_text(f"While you were away {n}")).to_be_visible()
    expect(sam_page.get_by_text("Reconnecting…")).to_be_hidden()
    assert Message.objects.count() == 5  # before the edit

    # Morgan edits the first message; both see it, marked "edited".
    first = in_thread(morgan_page).locator(".msg", has_text="are you free to talk")
    first.hover()
    first.get_by_role("button", name="Edit").click()
    editor = morgan_page.get_by_label("Edit message")
    editor.fill("Hi Sam, are you free to talk about the new website?")
    # A message arriving mid-edit must not throw the draft away.
    send(sam_page, "One more thing")
    expect(in_thread(morgan_page).get_by_text("One more thing")).to_be_visible()
    expect(editor).to_have_value("Hi Sam, are you free to talk about the new website?")
    editor.press("Enter")
    for page in (morgan_page, sam_page):
        edited = in_thread(page).locator(".msg", has_text="about the new website?")
        expect(edited).to_be_visible()
        expect(edited.get_by_text("edited")).to_be_visible()
    assert Message.objects.filter(body__contains="new website").count() == 1


def test_a_conduct_warning_lets_the_sender_edit_or_send_anyway(browser, live_url, people):
    morgan, sam = people
    from messaging.services import conversation_open_direct

    conversation = conversation_open_direct(user=morgan, other=sam)
    sam_page = log_in(browser, live_url, sam)
    sam_page.goto(f"{live_url}/messages/{conversation.pk}/")

    send(sam_page, "Let's skip the fees, pay me directly on PayPal")
    dialog = sam_page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("outside Tandem")
    dialog.get_by_role("button", name="Edit message").click()
    expect(sam_page.get_by_label("Message", exact=True)).to_have_value(
        "Let's skip the fees, pay me directly on PayPal"
    )
    assert not Message.objects.exists()

    sam_page.get_by_label("Message", exact=True).press("Enter")
    sam_page.get_by_role("dialog").get_by_role("button", name="Send anyway").click()
    expect(sam_page.locator(".msg--mine", has_text="pay me directly")).to_be_visible()
    expect(sam_page.locator(".msg--pending")).to_have_count(0)
    assert Message.objects.get().flagged


def test_a_message_refused_by_a_block_says_why_and_offers_no_retry(browser, live_url, people):
    morgan, sam = people
    from messaging.services import conversation_open_direct, user_block

    conversation = conversation_open_direct(user=morgan, other=sam)
    morgan_page = log_in(browser, live_url, morgan)
    morgan_page.goto(f"{live_url}/messages/{conversation.pk}/")
    expect(morgan_page.get_by_label("Message", exact=True)).to_be_editable()
    user_block(blocker=sam, blocked=morgan)  # while Morgan's page is open

    send(morgan_page, "Are you there?")

    failed = morgan_page.locator(".msg--mine", has_text="Are you there?")
    expect(failed.locator(".msg__error")).to_contain_text("can't")
    expect(failed.get_by_role("button", name="Retry")).to_have_count(0)
    failed.get_by_role("button", name="Discard").click()
    expect(morgan_page.locator(".msg--mine", has_text="Are you there?")).to_have_count(0)
    assert not Message.objects.exists()


def test_an_attachment_uploads_with_progress_and_downloads(browser, live_url, people, tmp_path):
    morgan, sam = people
    from messaging.services import conversation_open_direct

    conversation = conversation_open_direct(user=morgan, other=sam)
    page = log_in(browser, live_url, morgan)
    page.goto(f"{live_url}/messages/{conversation.pk}/")
    brief = tmp_path / "brief.txt"
    brief.write_text("The brief, in plain text.\n")

    page.locator("input[type=file]").set_input_files(str(brief))
    expect(page.locator(".tray__item--done")).to_have_count(1)
    send(page, "Here is the brief")
    expect(page.locator(".msg--pending")).to_have_count(0)

    link = page.locator(".msg--mine").get_by_role("link", name="brief.txt")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "brief.txt"
    assert Path(download.value.path()).read_text() == "The brief, in plain text.\n"


def test_a_change_whose_live_event_never_arrived_is_fetched_at_the_next_one(
    browser, live_url, people
):
    """Versions come one by one: when the page sees a jump, it asks for what it missed."""
    from django.db import transaction

    from messaging import services
    from messaging.models import Conversation
    from messaging.services import send_sql

    morgan, sam = people
    conversation = services.conversation_open_direct(user=morgan, other=sam)
    morgan_page = log_in(browser, live_url, morgan)
    sam_page = log_in(browser, live_url, sam)
    for page in (morgan_page, sam_page):
        page.goto(f"{live_url}/messages/{conversation.pk}/")
    send(morgan_page, "First line, delivered live")
    expect(in_thread(sam_page)).to_contain_text("First line, delivered live")

    # A message stored without its live event (as if a full channel had dropped it).
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        send_sql.append(locked, sender=morgan, body="This event was lost on the way")
    expect(in_thread(sam_page)).not_to_contain_text("lost on the way")

    send(morgan_page, "Third line")
    expect(in_thread(sam_page)).to_contain_text("Third line")
    expect(in_thread(sam_page)).to_contain_text("This event was lost on the way")
    lines = in_thread(sam_page).inner_text()
    assert lines.index("First line") < lines.index("lost on the way") < lines.index("Third line")


def test_opening_a_thread_marks_what_it_shows_as_read(browser, live_url, people):
    """No new message or focus change is needed: once subscribed, the open page says so."""
    from messaging import services

    morgan, sam = people
    conversation = services.conversation_open_direct(user=morgan, other=sam)
    services.message_send(
        conversation_id=conversation.pk,
        sender=morgan,
        body="Are you there?",
        client_id=str(uuid.uuid4()),
    )
    morgan_page = log_in(browser, live_url, morgan)
    morgan_page.goto(f"{live_url}/messages/{conversation.pk}/")
    expect(in_thread(morgan_page).get_by_text("Are you there?")).to_be_visible()
    expect(morgan_page.get_by_text("Seen", exact=True)).to_have_count(0)

    sam_page = log_in(browser, live_url, sam)
    sam_page.goto(f"{live_url}/messages/{conversation.pk}/")
    expect(in_thread(sam_page).get_by_text("Are you there?")).to_be_visible()
    expect(morgan_page.get_by_text("Seen", exact=True)).to_be_visible()


def test_the_socket_opens_only_once_every_module_of_the_page_has_run(browser, live_url, people):
    """While the thread's modules are still being fetched the page is not live: a socket the
    first module to run (unread.js) opened at once was "connected" while the composer did
    nothing yet, and an Enter pressed then was lost."""
    from messaging.services import conversation_open_direct

    morgan, sam = people
    conversation = conversation_open_direct(user=morgan, other=sam)
    page = log_in(browser, live_url, morgan)
    held = []
    page.route("**/static/js/thread/*.js", lambda route: held.append(route))

    page.goto(f"{live_url}/messages/{conversation.pk}/", wait_until="commit")
    wait_until(page, "window.tandemLive")  # unread.js, which needs no thread module, ran
    page.wait_for_timeout(1500)  # time enough for a socket to open, were it allowed to
    assert held
    assert page.evaluate("window.tandemLive.socket === null && !window.tandemLive.connected")

    for route in held:
        route.continue_()
    wait_until(page, "window.tandemLive.connected")
    send(page, "Typed the moment the page was live")
    expect(in_thread(page).get_by_text("Typed the moment the page was live")).to_be_visible()
    expect(in_thread(page).locator(".msg--pending")).to_have_count(0)
    assert Message.objects.filter(body="Typed the moment the page was live").exists()
