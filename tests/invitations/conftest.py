"""Jobs and invitations built through the services, as the app builds them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invitations import services
from invitations.services import Budget
from tests.factories import UserFactory


def make_job(client, title="Website rebuild", **kwargs):
    kwargs.setdefault("budget", Budget(budget_type="fixed", amount=Decimal("4000")))
    kwargs.setdefault("description", "Rebuild our studio site in Django.")
    kwargs.setdefault("skills", ["Django", "PostgreSQL"])
    return services.job_create(client=client, title=title, **kwargs)


def invite(job, freelancer, note="Hi Sam, your Django work is exactly what we need.", **kw):
    return services.invitation_send(job=job, freelancer=freelancer, by=job.client, note=note, **kw)


@pytest.fixture
def job(client_user):
    return make_job(client_user)


@pytest.fixture
def invitation(job, freelancer_user):
    return invite(job, freelancer_user)


@pytest.fixture
def other_client(db):
    return UserFactory(role="client", name="Riley Other")


@pytest.fixture
def other_freelancer(db):
    return UserFactory(role="freelancer", name="Alex Chen")


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def later(**delta):
    return timezone.now() + timedelta(**delta)
