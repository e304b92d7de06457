import re

from playwright.sync_api import expect

from profiles.models import User
from tests.factories import PASSWORD, UserFactory


def read_confirmation_link(mail_dir, address: str) -> str:
    for path in sorted(mail_dir.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
        text = path.read_text()
        if f"To: {address}" in text:
            return re.search(r"https?://\S+/accounts/confirm-email/\S+", text).group(0)
    raise AssertionError(f"no e-mail to {address} in {mail_dir}")


def test_sign_up_confirm_log_out_and_log_in_again(page, live_url, mail_dir):
    page.goto(f"{live_url}/")
    page.get_by_role("link", name=re.compile("find work", re.I)).first.click()

    page.get_by_label("Full name").fill("Sam Rivera")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill("sam@example.com")
    expect(page.get_by_label("Work as a freelancer")).to_be_checked()
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label(re.compile("password \\(again\\)", re.I)).fill("a-long-unusual-passphrase")
    page.get_by_role("button", name=re.compile("sign up|create", re.I)).click()

    expect(page.get_by_role("heading", name=re.compile("verify", re.I))).to_be_visible()
    page.goto(read_confirmation_link(mail_dir, "sam@example.com"))
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()

    expect(page.get_by_role("heading", name=re.compile("Sam", re.I)).first).to_be_visible()
    assert User.objects.get(email="sam@example.com").role == "freelancer"

    page.locator("summary", has_text="Account menu for Sam Rivera").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label(re.compile("^e-?mail", re.I)).fill("sam@example.com")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    expect(page).to_have_url(f"{live_url}/")
    expect(page.get_by_role("heading", name=re.compile("Sam", re.I)).first).to_be_visible()


def test_wrong_password_keeps_the_address_and_says_why(page, live_url):
    UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")

    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill("morgan@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()

    expect(page.get_by_text(re.compile("not correct|incorrect", re.I))).to_be_visible()
    expect(page.get_by_label(re.compile("^e-?mail", re.I))).to_have_value("morgan@example.com")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    expect(page).to_have_url(f"{live_url}/")


def test_the_browser_sees_close_code_4401_for_an_anonymous_socket(page, live_url):
    page.goto(f"{live_url}/accounts/login/")

    code = page.evaluate(
        """() => new Promise((resolve) => {
            const socket = new WebSocket(`ws://${location.host}/ws/`);
            socket.onclose = (event) => resolve(event.code);
        })"""
    )

    assert code == 4401


def test_a_signed_in_browser_socket_answers_ping(page, live_url):
    UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label(re.compile("^e-?mail", re.I)).fill("morgan@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    expect(page).to_have_url(f"{live_url}/")

    frames = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const socket = new WebSocket(`ws://${location.host}/ws/`);
            const seen = [];
            socket.onopen = () => { socket.send("not json"); socket.send('{"type":"ping"}'); };
            socket.onmessage = (event) => {
                seen.push(JSON.parse(event.data));
                if (seen.length === 2) { socket.close(); resolve(seen); }
            };
            socket.onclose = (event) => { if (seen.length < 2) reject(event.code); };
        })"""
    )

    assert frames[0]["type"] == "error" and frames[0]["code"] == "invalid"
    assert frames[1] == {"type": "pong"}
