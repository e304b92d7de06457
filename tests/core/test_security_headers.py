"""Every page carries the Content-Security-Policy and Permissions-Policy headers, and no page
needs what that policy forbids (inline script, inline style, event-handler attributes); the
call page alone may use the camera, microphone and screen sharing; the admin still works.
The browser's own view of the same pages: tests/e2e/test_csp.py."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from messaging import services as messaging
from tests.core.conftest import dispute, room  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self' ws://testserver",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
DENIED = ["camera=()", "microphone=()", "display-capture=()", "geolocation=()", "payment=()"]
# What a strict policy blocks: a <script> with code in it (data blocks of type
# application/json are not run), a style attribute or element, an on…= handler.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def assert_page_policy(response, *, admin: bool = False) -> None:
    policy = directives(response)
    for expected in CSP_DIRECTIVES:
        name = expected.split(" ", 1)[0]
        if admin and name == "style-src":
            assert policy[name] == "style-src 'self' 'unsafe-inline'"
        else:
            assert policy[name] == expected, response.request["PATH_INFO"]
    assert "report-uri" not in policy  # CSP_REPORT_URI is not set in the tests
    features = response["Permissions-Policy"]
    for denied in DENIED:
        assert denied in features


def assert_nothing_inline(response) -> None:
    page = response.content.decode()
    path = response.request["PATH_INFO"]
    assert not INLINE_SCRIPT.search(page), (path, INLINE_SCRIPT.search(page))
    assert not INLINE_STYLE.search(page), (path, INLINE_STYLE.search(page))
    assert not HANDLER_ATTRIBUTE.search(page), (path, HANDLER_ATTRIBUTE.search(page))


@pytest.fixture
def main_pages(room, dispute, client_user, freelancer_user):  # noqa: F811
    """The pages the e2e journeys walk, for the client of a room with a dispute."""
    conversation = messaging.conversation_open_direct(user=client_user, other=freelancer_user)
    return [
        reverse("dashboard"),
        reverse("messaging:inbox"),
        reverse("messaging:thread", args=[conversation.pk]),
        reverse("messaging:search") + "?q=hello",
        reverse("messaging:preferences"),
        reverse("messaging:notifications"),
        reverse("workrooms:list"),
        reverse("workrooms:detail", args=[room.pk]),
        reverse("workrooms:new"),
        reverse("profiles:search") + "?q=django",
        reverse("profiles:detail", args=[freelancer_user.handle]),
        reverse("profiles:edit"),
        reverse("invitations:list"),
        reverse("invitations:job_list"),
        reverse("invitations:job_create"),
        reverse("invitations:new") + f"?freelancer={freelancer_user.handle}",
        reverse("disputes:list"),
        reverse("disputes:detail", args=[dispute.pk]),
        reverse("disputes:evidence", args=[dispute.pk]),
    ]


def test_every_main_page_carries_both_headers_and_needs_nothing_inline(
    client, client_user, main_pages
):
    client.force_login(client_user)
    for path in main_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html")
        assert_page_policy(response)
        assert_nothing_inline(response)


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_pages_for_visitors_carry_both_headers_and_need_nothing_inline(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_page_policy(response)
    assert_nothing_inline(response)


def test_error_pages_carry_both_headers(client, client_user):
    client.force_login(client_user)
    response = client.get("/workrooms/999999/")
    assert response.status_code == 404
    assert_page_policy(response)


def test_a_private_file_keeps_its_own_stricter_policy(client, room, client_user):  # noqa: F811
    from tests.workrooms.conftest import upload
    from workrooms.services import file_share

    version = file_share(workroom=room, by=client_user, uploaded_file=upload())
    client.force_login(client_user)
    response = client.get(
        reverse("workrooms:file_download", args=[room.pk, version.shared_file_id])
    )
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "camera=()" in response["Permissions-Policy"]


def test_https_pages_name_the_secure_websocket_origin(client, client_user):
    client.force_login(client_user)
    response = client.get("/", secure=True)
    assert "connect-src 'self' wss://testserver" in response["Content-Security-Policy"]


# --- The call page's camera and microphone ------------------------------------------------------


@pytest.mark.parametrize("path", ["/test-call/sync/", "/test-call/async/"])
def test_allow_media_devices_lets_that_page_alone_use_camera_and_microphone(client, settings, path):
    settings.ROOT_URLCONF = "tests.core.media_devices_urls"
    features = client.get(path)["Permissions-Policy"]
    for allowed in ("camera=(self)", "microphone=(self)", "display-capture=(self)"):
        assert allowed in features
    assert "geolocation=()" in features and "payment=()" in features
    other = client.get("/accounts/login/")["Permissions-Policy"]
    assert "camera=()" in other and "camera=(self)" not in other


# --- The admin under the policy --------------------------------------------------------------


@pytest.fixture
def superuser(make_user):
    user = make_user(name="Ada Admin", role="client")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_the_admin_works_under_the_policy(client, superuser, dispute):  # noqa: F811
    client.force_login(superuser)
    pages = [
        reverse("admin:index"),
        reverse("admin:disputes_dispute_changelist"),
        reverse("admin:disputes_dispute_change", args=[dispute.pk]),
        reverse("admin:workrooms_deadline_add"),
        reverse("admin:profiles_user_changelist"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_page_policy(response, admin=True)
        # Inline styles are allowed here (Django's change list has a <style> element); inline
        # script is not, and the admin has none.
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), (path, INLINE_SCRIPT.search(page))
        assert not HANDLER_ATTRIBUTE.search(page), (path, HANDLER_ATTRIBUTE.search(page))


def test_a_report_uri_is_sent_only_when_configured():
    code = (
        "from config.settings import base; "
        "print(base.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri'))"
    )
    env = {**os.environ, "CSP_REPORT_URI": "https://reports.invalid/csp"}
    with_uri = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert with_uri.stdout.strip() == "['https://reports.invalid/csp']"
    env.pop("CSP_REPORT_URI")
    without = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert without.stdout.strip() == "None"
