import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from profiles.models import User
from profiles.services import handle_for_new_user
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "name": "Sam Rivera",
        "email": "sam@example.com",
        "role": "freelancer",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


@pytest.mark.parametrize("role", ["client", "freelancer"])
def test_signup_keeps_the_chosen_role_and_sends_a_confirmation(client, role):
    response = signup(client, email=f"{role}@example.com", role=role)

    assert response.status_code == 302
    user = User.objects.get(email=f"{role}@example.com")
    assert user.role == role
    assert user.name == "Sam Rivera"
    assert user.handle == "sam-rivera" or user.handle.startswith("sam-rivera-")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()


def test_role_is_required(client):
    response = signup(client, role="")

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "role" in response.context["form"].errors


def test_unknown_role_is_refused(client):
    response = signup(client, role="admin")

    assert response.status_code == 200
    assert not User.objects.exists()


def test_duplicate_email_gets_a_clear_error(client, make_user):
    make_user(email="sam@example.com")

    response = signup(client, email="SAM@example.com")

    assert response.status_code == 200
    assert User.objects.filter(email__iexact="sam@example.com").count() == 1
    errors = " ".join(response.context["form"].errors["email"])
    assert "already" in errors.lower()


def test_name_that_is_an_email_address_is_refused(client):
    response = signup(client, name="sam@example.com")

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not User.objects.exists()


def test_email_confirmation_then_login_and_logout(client):
    signup(client)
    body = mail.outbox[0].body
    confirm_path = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+)", body).group(1)
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="sam@example.com").verified

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("account_login"),
        {"login": "sam@example.com", "password": "a-long-unusual-passphrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard"))
    assert b"Sam" in dashboard.content


def test_login_with_wrong_password_says_so(client, make_user):
    make_user(email="sam@example.com")

    response = client.post(
        reverse("account_login"), {"login": "sam@example.com", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_login_is_by_email_only(client, make_user):
    user = make_user(email="sam@example.com")

    response = client.post(reverse("account_login"), {"login": user.handle, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


class TestHandles:
    def test_handle_comes_from_the_display_name(self):
        assert (
            handle_for_new_user(name="Zoë Ångström-Li", email="z@example.com") == "zoe-angstrom-li"
        )

    def test_taken_handle_gets_a_suffix(self, make_user):
        make_user(name="Sam Rivera", email="first@example.com")
        handle = handle_for_new_user(name="Sam Rivera", email="second@example.com")
        assert re.fullmatch(r"sam-rivera-\d{4}", handle)

    @pytest.mark.parametrize(
        "name,email",
        [
            ("sam example com", "sam@example.com"),
            ("samrivera at gmail dot com", "samrivera@gmail.com"),
            ("", "sam.rivera@example.com"),
            ("李", "li@example.com"),
        ],
    )
    def test_handle_never_contains_the_email_address(self, name, email):
        handle = handle_for_new_user(name=name, email=email)

        local, domain = email.split("@")
        compact = handle.replace("-", "")
        assert not (local.replace(".", "") in compact and domain.split(".")[0] in compact)
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,28}[a-z0-9]", handle)

    def test_a_name_shared_with_the_mailbox_still_gives_a_name_handle(self):
        assert handle_for_new_user(name="Sam Rivera", email="samrivera@gmail.com") == "sam-rivera"

    def test_signed_up_handle_never_contains_the_email(self, client):
        signup(client, name="Sam at example dot com", email="sam@example.com")

        user = User.objects.get(email="sam@example.com")
        assert "example" not in user.handle
        assert user.handle.startswith("member")
