from datetime import timedelta

import pytest

from invitations import selectors, services
from invitations.templatetags.invitation_tags import time_left
from tests.invitations.conftest import make_job


@pytest.mark.parametrize(
    "delta, label",
    [
        (timedelta(days=6, hours=23, minutes=59), "6 days, 23 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=5, minutes=12), "5 hours, 12 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(seconds=20), "1 minute"),
        (timedelta(minutes=-3), "no time"),
    ],
)
def test_time_left_reads_naturally(delta, label):
    assert time_left(delta) == label


@pytest.mark.django_db
def test_open_jobs_come_first(client_user):
    old = make_job(client_user, title="Old and open")
    closed = make_job(client_user, title="Closed")
    services.job_close(job=closed, by=client_user)
    new = make_job(client_user, title="New and open")
    titles = [job.title for job in selectors.jobs_for(user=client_user)]
    assert titles == [new.title, old.title, closed.title]
