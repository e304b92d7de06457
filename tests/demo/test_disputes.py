import pytest

from demo.disputes import seed_disputes
from demo.profiles import seed_people
from demo.workrooms import seed_workrooms
from disputes.dossier import dossier_check
from disputes.models import Dispute, DisputeEvent, Evidence, Resolution
from disputes.selectors import actions_for

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "disputes": sorted(Dispute.objects.values_list("workroom__title", "status")),
        "events": DisputeEvent.objects.count(),
        "evidence": Evidence.objects.count(),
        "proposals": Resolution.objects.count(),
    }


def test_demo_disputes_are_seeded_once_one_open_one_resolved():
    people = seed_people()
    seed_workrooms(people)
    seed_disputes(people)
    first = snapshot()
    seed_disputes(seed_people())
    assert snapshot() == first
    assert first["disputes"] == [
        ("Brand guidelines", "resolved"),
        ("Mobile app prototype", "open"),
    ]

    open_dispute = Dispute.objects.get(status="open")
    sam = people["freelancer@example.com"]
    assert open_dispute.opened_by == sam
    assert open_dispute.evidence.filter(preview__gt="").count() == 1  # the screenshot
    # Morgan's proposal waits for Sam, who can answer it on the page.
    assert actions_for(dispute=open_dispute, user=sam).answer

    resolved = Dispute.objects.get(status="resolved")
    assert resolved.mediator == people["admin@example.com"]
    assert dossier_check(resolved.dossier).intact
    kinds = list(resolved.events.values_list("kind", flat=True))
    assert kinds[0] == "opened" and "escalated" in kinds and kinds[-1] == "accepted"
