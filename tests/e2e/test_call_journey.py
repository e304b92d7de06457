"""Two people in a video call, each in a Chromium with a fake camera and microphone: the
scheduled call of a workroom (ring, video both ways, the muted sign, a shared screen, leaving,
the notes and the record in the activity and the chat), and a call started from a direct
conversation's thread, rejoined after a reload (docs/calls.md)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from messaging.services import conversation_open_direct
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.people import log_in, wait_until
from tests.factories import UserFactory
from workrooms import services
from workrooms.services import workroom_open

# A fake camera (a test pattern) and microphone (a beep), every permission prompt accepted,
# the whole screen picked for screen sharing, and sound that plays without a click.
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--auto-select-desktop-capture-source=Entire screen",
    "--autoplay-policy=no-user-gesture-required",
]

REMOTE_PLAYING = """() => {
  const video = document.querySelector('[data-remote-video]');
  return video && video.videoWidth > 0 && !video.paused && video.readyState >= 2;
}"""


@pytest.fixture(scope="module")
def media_browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def people(media_browser, live_url):
    """Sign people in, in the media browser; their pages close before the database is
    emptied (as live_url does for the default browser)."""
    opened = []

    def sign_in(user):
        page = log_in(media_browser, live_url, user)
        opened.append(page.context)
        return page

    yield sign_in
    for context in opened:
        context.close()


@pytest.fixture
def room(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    room = workroom_open(client=morgan, freelancer=sam, title="Website rebuild")
    call = services.call_propose(
        workroom=room,
        by=morgan,
        starts_at=timezone.now() + timedelta(minutes=5),
        duration_minutes=45,
        agenda="1. Feedback on the content model\n2. Milestone 2 scope",
        confirm=True,
    )
    services.call_accept(workroom=room, call=call, by=sam)
    return room


def live(page):
    wait_until(page, "window.tandemLive && window.tandemLive.connected")


def test_the_scheduled_call_from_join_to_notes_in_the_activity(people, live_url, room):
    morgan = people(room.client)
    sam = people(room.freelancer)
    room_url = f"{live_url}/workrooms/{room.pk}/"
    sam.goto(room_url)
    live(sam)

    # Morgan joins the scheduled call from the calls panel: the agenda is beside the video.
    morgan.goto(f"{room_url}?tab=calls")
    morgan.locator("#panel-calls").get_by_role("link", name="Join", exact=True).click()
    expect(morgan).to_have_url(re.compile(r"/call/\?call=\d+$"))
    expect(morgan.locator("[data-agenda]")).to_contain_text("Milestone 2 scope")
    wait_until(morgan, "document.querySelector('[data-preview]').videoWidth > 0")  # the preview
    live(morgan)
    morgan.get_by_role("button", name="Join the call").click()
    expect(morgan.locator("[data-status]")).to_have_text("Waiting for Sam to join…")

    # It rings on Sam's open page; the room's header says a call is on.
    ring = sam.locator("[data-call-ring]")
    expect(ring).to_contain_text("Morgan Lee is calling you")
    expect(sam.locator("[data-call-live]")).to_be_visible()
    ring.get_by_role("link", name="Join").click()
    expect(sam).to_have_url(f"{room_url}call/")
    live(sam)
    sam.get_by_role("button", name="Join the call").click()

    # Each sees the other's video playing, with a connection-quality hint.
    wait_until(morgan, REMOTE_PLAYING, timeout=20)
    wait_until(sam, REMOTE_PLAYING, timeout=20)
    expect(morgan.locator("[data-waiting]")).to_be_hidden()
    expect(sam.locator("[data-quality]")).to_contain_text(re.compile(r"connection · \d+ ms"))

    # Morgan mutes: Sam sees the muted sign; unmuting takes it away.
    morgan.get_by_role("button", name="Mute", exact=True).click()
    expect(sam.locator("[data-remote-muted]")).to_be_visible()
    morgan.get_by_role("button", name="Unmute", exact=True).click()
    expect(sam.locator("[data-remote-muted]")).to_be_hidden()

    # Sam shares his (fake) screen: Morgan is told, and still sees video.
    sam.get_by_role("button", name="Share screen").click()
    expect(sam.get_by_role("button", name="Stop sharing")).to_be_visible()
    expect(morgan.locator("[data-remote-screen]")).to_be_visible()
    wait_until(morgan, REMOTE_PLAYING)

    # Morgan keeps notes; Sam leaves and Morgan is told.
    notes = "Launch on the 14th\nSam sends the sitemap by Friday"
    morgan.get_by_role("textbox", name="Notes").fill(notes)
    sam.get_by_role("button", name="Leave").click()
    expect(sam.locator("[data-ended-title]")).to_have_text("You left the call")
    expect(morgan.locator("[data-status]")).to_have_text("Sam left the call.")

    # Morgan leaves and posts the notes to the chat.
    morgan.get_by_role("button", name="Leave").click()
    morgan.get_by_role("button", name="Post the notes to the chat").click()
    expect(morgan.locator("[data-notes-posted]")).to_be_visible()

    # The call, its duration and the notes are in the room's activity and chat.
    morgan.goto(f"{room_url}?tab=activity")
    activity = morgan.locator("#panel-activity")
    expect(activity).to_contain_text(
        "Video call with Morgan Lee and Sam Rivera · less than a minute"
    )
    expect(activity).to_contain_text("Morgan Lee posted call notes: Launch on the 14th")
    chat = morgan.locator("[data-messages]")
    expect(
        chat.get_by_text("Video call with Morgan Lee and Sam Rivera · less than a minute")
    ).to_be_visible()
    expect(chat).to_contain_text("Sam sends the sitemap by Friday")
    morgan.get_by_role("tab", name="Calls").click()
    expect(morgan.locator("#panel-calls [data-call-held]")).to_have_text(
        "Took place, less than a minute"
    )
    # Sam's open room page got the line live.
    sam.goto(room_url)
    expect(sam.locator("[data-messages]")).to_contain_text("Call notes")


def test_a_call_started_from_a_direct_conversation(people, live_url):
    alice = UserFactory(email="alice@example.com", name="Alice Client", role="client")
    bob = UserFactory(email="bob@example.com", name="Bob Freelancer", role="freelancer")
    conversation = conversation_open_direct(user=alice, other=bob)
    a = people(alice)
    b = people(bob)
    b.goto(f"{live_url}/messages/")
    live(b)

    a.goto(f"{live_url}/messages/{conversation.pk}/")
    a.get_by_role("link", name="Call Bob Freelancer").click()
    expect(a).to_have_url(f"{live_url}/messages/{conversation.pk}/call/")
    live(a)
    a.get_by_role("button", name="Join the call").click()

    b.locator("[data-call-ring]").get_by_role("link", name="Join").click()
    live(b)
    b.get_by_role("button", name="Join the call").click()
    wait_until(a, REMOTE_PLAYING, timeout=20)
    wait_until(b, REMOTE_PLAYING, timeout=20)
    expect(a.locator(".call-stage__name")).to_contain_text("Bob Freelancer")

    # Bob's page reloads mid-call: it joins again by itself and the video comes back.
    b.reload()
    expect(b.locator("[data-stage]")).to_be_visible()
    wait_until(b, REMOTE_PLAYING, timeout=20)
    wait_until(a, REMOTE_PLAYING, timeout=20)

    a.get_by_role("button", name="Leave").click()
    expect(b.locator("[data-status]")).to_have_text("Alice left the call.")
    b.get_by_role("button", name="Leave").click()
    b.get_by_role("link", name="Back to the conversation").click()
    expect(
        b.locator("[data-messages]").get_by_text(
            "Video call with Alice Client and Bob Freelancer · less than a minute"
        )
    ).to_be_visible()
