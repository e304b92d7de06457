"""axe-core on every main page, as each kind of person meets it: no serious or critical
violation (WCAG 2.1 A and AA rules, and axe's best practices).

The pages are the demo's (seed_demo), so they hold what a person sees in `make run`: a
workroom with files, deadlines and calls, conversations with history, a dispute in progress.
axe is injected with the page's CSP bypassed (it arrives as an inline script); nothing else
about the page changes.
"""

import json
import re
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from demo.totp import DEMO_TOTP_SECRETS, seconds_left, totp_code
from disputes.models import Dispute
from messaging.models import Conversation
from workrooms.models import Workroom

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
DEMO_PASSWORD = "tandem-demo"
BLOCKING = {"serious", "critical"}
ROOM_TABS = ("deadlines", "files", "calls", "activity")


def violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def sign_in(browser, live_url, email):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    if secret := DEMO_TOTP_SECRETS.get(email):  # the demo admin signs in with a second factor
        expect(page).to_have_url(f"{live_url}/accounts/2fa/authenticate/")
        if seconds_left() < 4:  # let a code about to roll over go
            time.sleep(seconds_left() + 0.2)
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_url}/")
    return page


def audit(page, live_url, paths) -> dict[str, list[dict]]:
    found = {}
    for path in paths:
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[path] = problems
    return found


@pytest.fixture
def demo(live_url):
    # In a thread of its own: the seed publishes live events through async_to_sync, which
    # refuses to run on the thread that holds Playwright's event loop.
    seeding = threading.Thread(target=call_command, args=("seed_demo",), kwargs={"verbosity": 0})
    seeding.start()
    seeding.join()
    User = get_user_model()
    morgan = User.objects.get(email="client@example.com")
    sam = User.objects.get(email="freelancer@example.com")
    room = Workroom.objects.filter(client=morgan, freelancer=sam).order_by("pk").first()
    direct = Conversation.objects.filter(
        kind=Conversation.Kind.DIRECT, participants__user=morgan
    ).first()
    dispute = Dispute.objects.filter(workroom__client=morgan).first()
    return {"morgan": morgan, "sam": sam, "room": room, "direct": direct, "dispute": dispute}


def test_the_pages_a_visitor_sees(browser, live_url):
    page = browser.new_context(bypass_csp=True).new_page()
    found = audit(page, live_url, ["/", "/accounts/signup/", "/accounts/login/"])
    assert not found, json.dumps(found, indent=1)


def test_the_pages_a_client_sees(browser, live_url, demo):
    page = sign_in(browser, live_url, "client@example.com")
    room, sam = demo["room"], demo["sam"]
    paths = [
        "/",
        "/freelancers/?q=django",
        f"/u/{sam.handle}/",
        "/profile/edit/",
        "/messages/",
        f"/messages/{demo['direct'].pk}/",
        "/jobs/",
        "/invitations/",
        "/workrooms/",
        *(f"/workrooms/{room.pk}/?tab={tab}" for tab in ROOM_TABS),
        "/disputes/",
        f"/disputes/{demo['dispute'].pk}/",
        "/notifications/",
        "/messages/settings/",
    ]
    found = audit(page, live_url, paths)
    assert not found, json.dumps(found, indent=1)


def test_the_pages_a_freelancer_sees(browser, live_url, demo):
    page = sign_in(browser, live_url, "freelancer@example.com")
    found = audit(page, live_url, ["/", "/invitations/", "/profile/edit/", "/workrooms/"])
    assert not found, json.dumps(found, indent=1)


def test_the_pages_staff_see(browser, live_url, demo):
    page = sign_in(browser, live_url, "admin@example.com")
    found = audit(page, live_url, ["/", "/disputes/"])
    assert not found, json.dumps(found, indent=1)
