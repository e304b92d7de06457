"""What several browser journeys share: signing a person in, in a browser context of their own."""

import re
import time

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(browser, live_url, user):
    """A new browser context (a person of their own) signed in as `user`, on the dashboard."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    expect(page).to_have_url(f"{live_url}/")
    return page


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Until `expression` is truthy in the page. Playwright's wait_for_function polls with a
    function built from a string inside the page, which the pages' Content-Security-Policy
    (no 'unsafe-eval') refuses; page.evaluate goes through the browser's debugging protocol,
    which the policy does not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)
