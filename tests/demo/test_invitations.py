import pytest
from django.core.management import call_command

from invitations.models import Invitation, Job
from messaging.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_leaves_one_copy():
    call_command("seed_demo", verbosity=0)
    counts = (Job.objects.count(), Invitation.objects.count(), Notification.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Job.objects.count(), Invitation.objects.count(), Notification.objects.count()) == counts

    website = Job.objects.get(title="Workshop booking system", client__email="client@example.com")
    assert website.is_open
    pending = Invitation.objects.get(job=website, freelancer__email="freelancer@example.com")
    assert pending.is_open
    statuses = set(Invitation.objects.values_list("status", flat=True))
    assert {"pending", "accepted", "declined", "expired"} <= statuses
    assert not Invitation.objects.filter(freelancer__email="freelancer2@example.com").exists()
    accepted = Invitation.objects.get(status="accepted")
    assert not accepted.job.is_open
    assert accepted.workroom is None or accepted.workroom.title == "Brand guidelines"
