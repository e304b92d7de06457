"""The dashboard's "Getting started" steps are ticked from what the person has done."""

import pytest

from profiles.models import User
from tests.factories import UserFactory
from workrooms import services as workrooms

pytestmark = pytest.mark.django_db


def _done(client, user):
    client.force_login(user)
    return client.get("/").content.decode().count("steps__item steps__item--done")


def test_a_new_client_has_only_the_account_ticked_until_a_workroom_opens(client):
    morgan = UserFactory(role=User.Role.CLIENT)
    sam = UserFactory(role=User.Role.FREELANCER)
    assert _done(client, morgan) == 1
    workrooms.workroom_open(client=morgan, freelancer=sam, title="Site")
    assert _done(client, morgan) == 2


def test_a_new_freelancer_has_only_the_account_ticked(client):
    assert _done(client, UserFactory(role=User.Role.FREELANCER)) == 1
