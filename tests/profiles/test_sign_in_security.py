"""What sign-in tells a stranger, and how fast it lets anyone guess (docs/accounts.md)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def visible(response) -> str:
    """The page as a person reads it: without the per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


class TestPasswordReset:
    def test_known_and_unknown_addresses_get_the_same_answer(self, make_user):
        make_user(email="sam@example.com")
        url = reverse("account_reset_password")

        known = Client().post(url, {"email": "sam@example.com"}, follow=True)
        unknown = Client().post(url, {"email": "nobody@example.com"}, follow=True)

        assert known.status_code == unknown.status_code == 200
        assert known.redirect_chain == unknown.redirect_chain
        assert known.redirect_chain == [(reverse("account_reset_password_done"), 302)]
        assert visible(known) == visible(unknown)

    def test_only_the_mailbox_learns_whether_it_has_an_account(self, client, make_user):
        make_user(email="sam@example.com")
        url = reverse("account_reset_password")

        client.post(url, {"email": "sam@example.com"})
        client.post(url, {"email": "nobody@example.com"})

        by_address = {message.to[0]: message.body for message in mail.outbox}
        assert "/accounts/password/reset/key/" in by_address["sam@example.com"]
        assert "/accounts/password/reset/key/" not in by_address["nobody@example.com"]

    def test_sign_up_still_says_an_address_is_taken(self, client, make_user):
        make_user(email="sam@example.com")

        response = client.post(
            reverse("account_signup"),
            {
                "name": "Sam Again",
                "email": "sam@example.com",
                "role": "client",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )

        assert response.status_code == 200
        assert "already registered" in " ".join(response.context["form"].errors["email"])
        assert mail.outbox == []


def log_in(client, email, password, ip):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


class TestWrongPasswords:
    def test_five_wrong_passwords_then_a_clear_refusal(self, client, make_user):
        make_user(email="sam@example.com")
        for _ in range(5):
            response = log_in(client, "sam@example.com", "wrong-guess", ATTACKER)
            assert "not correct" in response.content.decode()

        response = log_in(client, "sam@example.com", PASSWORD, ATTACKER)  # even the right one

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "Too many failed attempts to log in to this account" in response.content.decode()

    def test_the_owner_on_another_network_still_logs_in(self, make_user):
        make_user(email="sam@example.com")
        attacker = Client()
        for _ in range(6):
            log_in(attacker, "sam@example.com", "wrong-guess", ATTACKER)

        owner = Client()
        response = log_in(owner, "sam@example.com", PASSWORD, OWNER)

        assert response.status_code == 302
        assert "_auth_user_id" in owner.session

    def test_one_network_guessing_many_accounts_is_stopped(self, client, make_user):
        emails = [make_user().email for _ in range(11)]
        for email in emails[:10]:
            log_in(client, email, "wrong-guess", ATTACKER)

        response = log_in(client, emails[10], "wrong-guess", ATTACKER)

        assert "Too many failed attempts" in response.content.decode()

    def test_an_ipv6_network_counts_as_one(self, make_user):
        make_user(email="sam@example.com")
        client = Client()
        for host in range(1, 6):
            log_in(client, "sam@example.com", "wrong-guess", f"2001:db8:1:2::{host}")

        response = log_in(client, "sam@example.com", PASSWORD, "2001:db8:1:2::99")

        assert "_auth_user_id" not in client.session
        assert "Too many failed attempts" in response.content.decode()

    def test_a_right_password_does_not_count(self, client, make_user):
        make_user(email="sam@example.com")
        for _ in range(6):
            log_in(client, "sam@example.com", PASSWORD, OWNER)
            client.post(reverse("account_logout"))

        log_in(client, "sam@example.com", PASSWORD, OWNER)

        assert "_auth_user_id" in client.session

    def test_behind_the_load_balancer_each_visitor_counts_apart(self, settings, make_user):
        """Production's setting: the balancer's own address is everyone's REMOTE_ADDR."""
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        make_user(email="sam@example.com")
        balancer = "10.0.0.2"
        attacker, owner = Client(), Client()
        for _ in range(10):
            attacker.post(
                reverse("account_login"),
                {"login": "sam@example.com", "password": "wrong-guess"},
                REMOTE_ADDR=balancer,
                HTTP_X_FORWARDED_FOR=ATTACKER,
            )

        owner.post(
            reverse("account_login"),
            {"login": "sam@example.com", "password": PASSWORD},
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR=f"192.0.2.1, {OWNER}",  # whatever the client claims, then ours
        )

        assert "_auth_user_id" in owner.session
