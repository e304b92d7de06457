"""The digest e-mails' unsubscribe link: signed for that purpose only, good for 60 days, and a
bad one answers with a page that says so (never a 500)."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from messaging import notifications

pytestmark = pytest.mark.django_db


def token_made(days_ago: float, payload, salt=notifications.UNSUBSCRIBE_SALT) -> str:
    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - timedelta(days=days_ago).total_seconds()))

    return Then(salt=salt).sign_object(payload)


def url(token: str) -> str:
    return reverse("messaging:unsubscribe", args=[token])


def digests_on(user) -> bool:
    return notifications.preferences_for(user).email_digests


def test_a_link_from_an_old_e_mail_still_works(client, bob):
    token = token_made(59, {"u": bob.pk})

    assert "Stop e-mails" in client.get(url(token)).content.decode()
    response = client.post(url(token))

    assert response.status_code == 200
    assert "You're unsubscribed" in response.content.decode()
    assert not digests_on(bob)


def test_an_expired_link_says_so_and_changes_nothing(client, bob):
    token = token_made(61, {"u": bob.pk})

    for response in (client.get(url(token)), client.post(url(token))):
        assert response.status_code == 400
        page = response.content.decode()
        assert "This link has expired" in page
        assert "60 days" in page
    assert digests_on(bob)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: notifications.unsubscribe_token(user)[:-2] + "xx", id="altered"),
        pytest.param(lambda user: "not-a-token", id="garbage"),
        pytest.param(lambda user: signing.dumps({"u": user.pk}), id="signed-for-something-else"),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk}, salt="profiles.other"), id="another-salt"
        ),
        pytest.param(
            lambda user: signing.dumps([user.pk], salt=notifications.UNSUBSCRIBE_SALT),
            id="not-our-shape",
        ),
        pytest.param(
            lambda user: signing.dumps({"u": 10**9}, salt=notifications.UNSUBSCRIBE_SALT),
            id="nobody",
        ),
    ],
)
def test_a_bad_link_says_it_does_not_work(client, bob, make_token):
    token = make_token(bob)

    for response in (client.get(url(token)), client.post(url(token))):
        assert response.status_code == 400
        assert "This link doesn't work" in response.content.decode()
    assert digests_on(bob)


def test_the_service_names_the_kind_of_failure(bob):
    with pytest.raises(notifications.UnsubscribeLinkExpired):
        notifications.unsubscribe(token=token_made(61, {"u": bob.pk}))
    with pytest.raises(notifications.UnsubscribeLinkInvalid):
        notifications.unsubscribe(token="not-a-token")
    assert notifications.unsubscribe(token=notifications.unsubscribe_token(bob)) == bob
