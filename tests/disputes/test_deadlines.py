"""The deadline sweep (Celery beat): with the clock shifted past each response time, proposals
expire, stages are flagged once, and the right people are told."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disputes import services, tasks
from disputes.models import Dispute, DisputeEvent, Resolution
from disputes.selectors import actions_for
from messaging.models import Notification

pytestmark = pytest.mark.django_db


def kinds(dispute):
    return list(DisputeEvent.objects.filter(dispute=dispute).values_list("kind", flat=True))


def test_nothing_is_due_before_its_time(dispute, client_user):
    services.proposal_make(dispute=dispute, by=client_user, terms="Half.")
    assert services.sweep_deadlines(now=timezone.now() + timedelta(days=1)) == 0
    assert kinds(dispute) == ["opened", "proposal_made"]


def test_an_unanswered_proposal_expires_after_two_days_and_lets_the_opener_escalate(
    dispute, freelancer_user, client_user
):
    proposal = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    assert not actions_for(dispute=dispute, user=freelancer_user).escalate
    later = timezone.now() + timedelta(days=2, minutes=1)
    assert services.sweep_deadlines(now=later) == 1
    proposal.refresh_from_db()
    assert proposal.status == Resolution.Status.EXPIRED
    assert kinds(dispute)[-1] == "proposal_expired"
    assert Notification.objects.filter(user=client_user, kind="dispute.proposal_expired").exists()
    # An expired proposal of the opener's counts as a refusal: escalation opens at once.
    assert actions_for(dispute=dispute, user=freelancer_user, now=later).escalate
    assert services.sweep_deadlines(now=later) == 0  # once only


def test_the_open_stage_runs_out_once_and_the_opener_is_told(dispute, freelancer_user):
    later = timezone.now() + timedelta(days=5, minutes=1)
    assert services.sweep_deadlines(now=later) == 1
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.stage_expired_at == later
    assert kinds(dispute) == ["opened", "stage_expired"]
    assert "did not answer in time" in DisputeEvent.objects.last().summary
    assert Notification.objects.filter(
        user=freelancer_user, kind="dispute.escalation_open"
    ).exists()
    assert services.sweep_deadlines(now=later + timedelta(hours=1)) == 0
    assert actions_for(dispute=dispute, user=freelancer_user, now=later).escalate


def test_a_mediation_past_its_target_reminds_its_mediator_only(
    dispute, client_user, mediator, staff_only
):
    services.dispute_escalate(dispute=dispute, by=client_user)
    services.mediator_assign(dispute=dispute, by=mediator)
    later = timezone.now() + timedelta(days=10, minutes=1)
    assert services.sweep_deadlines(now=later) == 1
    assert Notification.objects.filter(user=mediator, kind="dispute.overdue").count() == 1
    assert not Notification.objects.filter(user=staff_only, kind="dispute.overdue").exists()
    assert kinds(dispute)[-1] == "stage_expired"


def test_the_beat_task_runs_the_sweep(dispute):
    Dispute.objects.filter(pk=dispute.pk).update(stage_due_at=timezone.now() - timedelta(minutes=1))
    result = tasks.sweep_deadlines.apply()
    assert result.get() == 1
    assert kinds(dispute)[-1] == "stage_expired"


def test_ended_disputes_are_left_alone(dispute, freelancer_user):
    services.dispute_withdraw(dispute=dispute, by=freelancer_user)
    assert services.sweep_deadlines(now=timezone.now() + timedelta(days=30)) == 0
