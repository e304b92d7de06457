"""The demo admin signs in with a code, which `manage.py totp_code` prints (README, "make run")."""

import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo.profiles import DEMO_PASSWORD, demo_logins, seed_people
from demo.totp import DEMO_TOTP_SECRETS, seconds_left

pytestmark = pytest.mark.django_db


def test_ada_gets_one_authenticator_however_often_the_seed_runs():
    seed_people()
    seed_people()

    assert list(Authenticator.objects.values_list("user__email", "type")) == [
        ("admin@example.com", Authenticator.Type.TOTP)
    ]


def test_the_printed_code_signs_ada_in(client):
    seed_people()
    if seconds_left() < 3:  # let a code about to roll over go
        time.sleep(seconds_left() + 0.1)
    out = StringIO()
    call_command("totp_code", "admin@example.com", stdout=out, stderr=StringIO())

    client.post(reverse("account_login"), {"login": "admin@example.com", "password": DEMO_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": out.getvalue().strip()})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_seed_demo_prints_the_secret_and_how_to_get_a_code():
    printed = "\n".join(demo_logins())

    assert f"admin TOTP secret {DEMO_TOTP_SECRETS['admin@example.com']}" in printed
    assert "python manage.py totp_code admin@example.com" in printed
    assert f"admin@example.com          {DEMO_PASSWORD}" in printed


def test_only_demo_logins_have_a_code():
    with pytest.raises(CommandError):
        call_command("totp_code", "someone@example.com", stdout=StringIO())
