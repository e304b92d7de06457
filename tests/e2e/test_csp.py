"""The browser's own verdict on the page policy: walking the main pages (dashboard, inbox, a
thread, a workroom with its panels, a profile, the freelancer search, a dispute, the admin)
with the Content-Security-Policy on, Chromium reports no violation, and the live socket still
connects under connect-src."""

import re

import pytest
from playwright.sync_api import expect

from disputes import services as disputes
from messaging import services as messaging
from tests.e2e.conftest import live_server
from tests.e2e.people import log_in, wait_until
from tests.factories import UserFactory
from workrooms.services import workroom_open

VIOLATION = re.compile(r"Content.Security.Policy|Permissions.Policy|Unrecognized feature", re.I)


@pytest.fixture(scope="module")
def daphne_server(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """A server of this module's own: walking every page fills the server's caches (the popular
    skills the search and profile pages show), which the other journeys must find empty."""
    with live_server(django_db_blocker, mail_dir, tmp_path_factory, name="csp") as url:
        yield url


@pytest.fixture
def people(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    room = workroom_open(client=morgan, freelancer=sam, title="Website rebuild")
    dispute = disputes.dispute_open(
        workroom=room,
        by=sam,
        reason="non_payment",
        description="The second milestone was approved but never paid.",
        desired_outcome="Payment of the milestone.",
    )
    direct = messaging.conversation_open_direct(user=morgan, other=sam)
    return {"morgan": morgan, "sam": sam, "room": room, "dispute": dispute, "direct": direct}


def watch(page) -> list[str]:
    """Every console message and page error that speaks of a policy violation."""
    seen: list[str] = []
    page.on("console", lambda m: VIOLATION.search(m.text) and seen.append(m.text))
    page.on("pageerror", lambda e: VIOLATION.search(str(e)) and seen.append(str(e)))
    return seen


def test_the_main_pages_raise_no_policy_violation(browser, live_url, people):
    page = log_in(browser, live_url, people["morgan"])
    violations = watch(page)
    room, dispute, direct = people["room"], people["dispute"], people["direct"]
    pages = [
        "/",
        "/messages/",
        f"/messages/{direct.pk}/",
        f"/workrooms/{room.pk}/",
        f"/u/{people['sam'].handle}/",
        "/freelancers/?q=django",
        "/profile/edit/",
        f"/disputes/{dispute.pk}/",
        "/invitations/",
    ]
    for path in pages:
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "camera=()" in response.headers["permissions-policy"]
        page.wait_for_load_state("networkidle")
        if path.startswith(("/messages/", "/workrooms/")) and path != "/messages/":
            # The socket connects under connect-src, and the scripts ran (they set this).
            wait_until(page, "window.tandemLive && window.tandemLive.connected")
    # The workroom's panels are fetched and swapped in by htmx: still no violation.
    page.goto(f"{live_url}/workrooms/{room.pk}/")
    for tab in ("Files", "Deadlines", "Calls"):
        page.get_by_role("tab", name=tab).click()
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_admin_raises_no_script_violation(browser, live_url, people):
    admin = UserFactory(email="ada@example.com", name="Ada Admin", role="client")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    page = log_in(browser, live_url, admin)
    violations = watch(page)
    for path in (
        "/admin/",
        "/admin/disputes/dispute/",
        f"/admin/disputes/dispute/{people['dispute'].pk}/change/",
        "/admin/workrooms/deadline/add/",
    ):
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # The admin's own scripts ran: the calendar shortcut of a date field is there.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    assert violations == []
