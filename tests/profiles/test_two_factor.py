"""Two-factor authentication (allauth.mfa): everyone may turn it on, staff must when
MFA_REQUIRED_FOR_STAFF is on, and the admin's login is allauth's, second factor included."""

import os
import re
import subprocess
import sys
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Permission
from django.urls import reverse

from demo.totp import seconds_left, totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
QUEUE = "/admin/disputes/dispute/"


@pytest.fixture
def mediator(make_user):
    user = make_user(name="Mia Mediator", role="", email="mia@example.com")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="mediate_dispute"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def with_totp(user, secret=SECRET):
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    return user


def fresh_code(secret=SECRET) -> str:
    """A code that will not roll over before the request that carries it is answered."""
    if seconds_left() < 3:
        time.sleep(seconds_left() + 0.1)
    return totp_code(secret)


def log_in(client, user, *, next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


def confirm_password(client):
    """allauth asks for the password again before a change to the second factor."""
    return client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


class TestTheCodes:
    """demo.totp against RFC 6238's own test vectors (SHA-1, the 20-byte ASCII secret)."""

    RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of b"12345678901234567890"

    @pytest.mark.parametrize(
        "at,code", [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")]
    )
    def test_rfc_6238_vectors(self, at, code):
        assert totp_code(self.RFC_SECRET, at=at) == code


class TestEveryone:
    def test_the_account_menu_links_to_two_factor(self, client, client_user):
        client.force_login(client_user)

        page = client.get(reverse("dashboard")).content.decode()

        assert f'href="{reverse("mfa_index")}"' in page
        assert "Two-factor authentication" in page

    def test_the_page_says_whether_it_is_on(self, client, client_user):
        client.force_login(client_user)
        assert "Set up an authenticator app" in client.get(reverse("mfa_index")).content.decode()

        with_totp(client_user)
        page = client.get(reverse("mfa_index")).content.decode()
        assert "Turn off" in page and "Set up an authenticator app" not in page

    def test_enrolling_asks_for_the_password_again(self, client, client_user):
        client.force_login(client_user)

        response = client.get(reverse("mfa_activate_totp"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))

    def test_enrol_with_a_code_from_the_shown_key(self, client, client_user):
        client.force_login(client_user)
        confirm_password(client)

        page = client.get(reverse("mfa_activate_totp")).content.decode()
        secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
        secret = secret or re.search(r'value="([A-Z2-7]+)"[^>]*id="authenticator_secret"', page)
        assert "<svg" in page and "<?xml" not in page  # the QR code, inline
        response = client.post(reverse("mfa_activate_totp"), {"code": fresh_code(secret[1])})

        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_view_recovery_codes")
        types = set(Authenticator.objects.filter(user=client_user).values_list("type", flat=True))
        assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    def test_a_wrong_code_does_not_enrol(self, client, client_user):
        client.force_login(client_user)
        confirm_password(client)
        client.get(reverse("mfa_activate_totp"))

        response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

        assert response.status_code == 200
        assert "Incorrect code" in response.content.decode()
        assert not Authenticator.objects.filter(user=client_user).exists()


class TestSignInWithACode:
    def test_password_alone_does_not_sign_in(self, client, mediator):
        with_totp(mediator)

        response = log_in(client, mediator, next_url=QUEUE)

        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        assert client.get(QUEUE).status_code == 302  # still anonymous: off to log in

    def test_password_then_code_reaches_the_queue(self, client, mediator):
        with_totp(mediator)
        log_in(client, mediator, next_url=QUEUE)

        response = client.post(reverse("mfa_authenticate"), {"code": fresh_code()})

        assert response.status_code == 302 and response["Location"] == QUEUE
        assert client.get(QUEUE).status_code == 200

    def test_a_wrong_code_is_refused(self, client, mediator):
        with_totp(mediator)
        log_in(client, mediator)

        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

        assert response.status_code == 200
        assert "Incorrect code" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_code_counts_once(self, client, mediator):
        with_totp(mediator)
        code = fresh_code()
        log_in(client, mediator)
        client.post(reverse("mfa_authenticate"), {"code": code})
        client.post(reverse("account_logout"))

        log_in(client, mediator)
        response = client.post(reverse("mfa_authenticate"), {"code": code})

        assert "_auth_user_id" not in client.session
        assert response.status_code == 200


class TestTheAdminLogin:
    def test_goes_through_allauth_with_next(self, client):
        response = client.get(f"/admin/login/?next={QUEUE}")

        assert response.status_code == 302
        assert (
            response["Location"]
            == reverse("account_login") + "?next=%2Fadmin%2Fdisputes%2Fdispute%2F"
        )

    def test_the_queue_sends_an_anonymous_visitor_to_allauth(self, client):
        response = client.get(QUEUE, follow=True)

        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


class TestRequiredForStaff:
    @pytest.mark.parametrize("path", ["/", "/admin/", QUEUE, "/messages/"])
    def test_staff_without_a_factor_are_sent_to_enrol(self, client, mediator, required, path):
        client.force_login(mediator)

        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    def test_sign_in_leads_to_enrolment(self, client, mediator, required):
        log_in(client, mediator, next_url=QUEUE)

        response = client.get(QUEUE, follow=True)  # the password again, then the setup page
        assert "Staff accounts need two-factor authentication" in response.content.decode()
        assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
        response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)

        assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
        assert "Setup key" in response.content.decode()

    def test_posts_are_refused_too(self, client, mediator, required):
        client.force_login(mediator)

        response = client.post(f"{QUEUE}add/", {})

        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    @pytest.mark.parametrize("name", ["mfa_index", "account_logout", "account_email"])
    def test_account_pages_stay_open(self, client, mediator, required, name):
        client.force_login(mediator)

        assert client.get(reverse(name)).status_code == 200

    def test_staff_with_a_factor_reach_the_queue(self, client, mediator, required):
        with_totp(mediator)
        client.force_login(mediator)

        assert client.get(QUEUE).status_code == 200

    def test_people_who_are_not_staff_are_not_asked(self, client, client_user, required):
        client.force_login(client_user)

        assert client.get(reverse("dashboard")).status_code == 200

    def test_off_by_setting(self, client, mediator, settings):
        settings.MFA_REQUIRED_FOR_STAFF = False
        client.force_login(mediator)

        assert client.get(QUEUE).status_code == 200

    def test_on_in_production_and_off_locally(self, settings):
        def value(module):
            env = {k: v for k, v in os.environ.items() if k != "MFA_REQUIRED_FOR_STAFF"}
            code = f"from config.settings import {module} as s; print(s.MFA_REQUIRED_FOR_STAFF)"
            return subprocess.run(
                [sys.executable, "-c", code],
                env={**env, "SECRET_KEY": "not-secret"},
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()

        assert value("production") == "True"
        assert value("local") == "False"
