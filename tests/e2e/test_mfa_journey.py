"""A mediator on a site that requires two-factor for staff: her first sign-in sends her to set
up an authenticator app (the code is computed here from the key the page shows), and from then
on her password alone is not enough to reach the mediation queue."""

import re
import time

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from demo.totp import seconds_left, totp_code
from disputes.services import dispute_open
from tests.e2e.conftest import live_server
from tests.factories import PASSWORD, UserFactory
from workrooms.services import workroom_open

QUEUE = "/admin/disputes/dispute/"


@pytest.fixture(scope="module")
def daphne_server(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """This module's own live server, with MFA_REQUIRED_FOR_STAFF on (off in test settings)."""
    env = {"MFA_REQUIRED_FOR_STAFF": "true"}
    with live_server(django_db_blocker, mail_dir, tmp_path_factory, name="mfa", env=env) as url:
        yield url


@pytest.fixture
def mia(live_url):
    user = UserFactory(email="mia@example.com", name="Mia Mediator", role="")
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
def dispute(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    room = workroom_open(client=morgan, freelancer=sam, title="Mobile app prototype")
    return dispute_open(
        workroom=room,
        by=sam,
        reason="non_payment",
        description="Milestone 2 was approved but never paid.",
        desired_outcome="Payment of milestone 2.",
    )


def code_now(secret: str) -> str:
    if seconds_left() < 4:  # let a code about to roll over go, as a person would
        time.sleep(seconds_left() + 0.2)
    return totp_code(secret)


def log_in_with_password(page, email):
    page.get_by_label(re.compile("^e-?mail", re.I)).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()


def test_enrol_then_sign_in_with_password_and_code(page, live_url, mia, dispute):
    # First sign-in, through the admin's own door: allauth's login, then straight to enrolment.
    page.goto(f"{live_url}{QUEUE}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in_with_password(page, mia.email)
    expect(page.get_by_text("Staff accounts need two-factor authentication")).to_be_visible()
    # allauth asks for the password once more before any change to how one logs in.
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{live_url}/accounts/2fa/totp/activate/")

    # The queue stays shut until she has enrolled.
    page.goto(f"{live_url}{QUEUE}")
    expect(page).to_have_url(f"{live_url}/accounts/2fa/totp/activate/")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    secret = page.get_by_label("Setup key").input_value()
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert page.get_by_label("Setup key").input_value() == secret  # same key, try again

    page.get_by_label("Code from the app").fill(code_now(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Unused recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Continue to the admin").click()
    page.goto(f"{live_url}{QUEUE}")
    expect(page.get_by_role("link", name="Mobile app prototype")).to_be_visible()

    # Log out, and back in: the password alone leads to the code page, not the queue.
    page.goto(f"{live_url}/accounts/logout/")
    page.locator("main").get_by_role("button", name="Log out").click()
    page.goto(f"{live_url}{QUEUE}")
    log_in_with_password(page, mia.email)
    expect(page).to_have_url(f"{live_url}/accounts/2fa/authenticate/")
    page.goto(f"{live_url}{QUEUE}")  # still signed out: the queue's door leads back to the code
    expect(page).to_have_url(f"{live_url}/accounts/2fa/authenticate/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    # The code of the moment: the queue, with the dispute in it.
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_url}{QUEUE}")
    expect(page.get_by_role("link", name="Mobile app prototype")).to_be_visible()
