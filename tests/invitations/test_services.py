import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed, NotFound
from invitations import services
from invitations.models import NOTE_MAX_LENGTH, Invitation, Job
from invitations.services import Budget, InvitationClosed
from messaging.models import Message, Notification
from profiles.models import ResponseTimeRecord
from tests.factories import UserFactory
from tests.invitations.conftest import invite, later, make_job
from workrooms.models import Workroom

pytestmark = pytest.mark.django_db

ACCEPT_NOTE = "Hi Morgan! I'd start with an audit of the current site. Free from Monday."


def kinds(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# --- Jobs ------------------------------------------------------------------------------------


def test_a_job_has_skills_and_a_budget(client_user):
    job = make_job(
        client_user,
        budget=Budget(
            budget_type="hourly", rate_min=Decimal("40"), rate_max=Decimal("60"), currency="EUR"
        ),
        skills=["django", "Django ", "React"],
    )
    assert job.is_open
    assert sorted(s.name for s in job.skills.all()) == ["Django", "React"]
    assert job.budget_label == "€40–€60 an hour"


@pytest.mark.parametrize(
    "budget, field",
    [
        (Budget(budget_type="fixed"), "budget_amount"),
        (Budget(budget_type="fixed", amount=Decimal("-5")), "budget_amount"),
        (Budget(budget_type="hourly", rate_min=Decimal("60"), rate_max=None), "rate_min"),
        (Budget(budget_type="hourly", rate_min=Decimal("60"), rate_max=Decimal("40")), "rate_max"),
        (Budget(budget_type="barter", amount=Decimal("1")), "budget_type"),
    ],
)
def test_a_job_needs_a_sensible_budget(client_user, budget, field):
    with pytest.raises(ValidationError) as error:
        make_job(client_user, budget=budget)
    assert field in error.value.error_dict
    assert not Job.objects.exists()


def test_a_job_reports_every_problem_at_once(client_user):
    budget = Budget(
        budget_type="hourly", rate_min=Decimal(60), rate_max=Decimal(40), currency="XYZ"
    )
    with pytest.raises(ValidationError) as error:
        make_job(client_user, title="  ", description="x" * 10_001, budget=budget)
    assert list(error.value.error_dict) == ["title", "description", "currency", "rate_max"]
    assert not Job.objects.exists()


def test_only_clients_post_jobs(freelancer_user):
    with pytest.raises(NotAllowed, match="Only clients post jobs"):
        make_job(freelancer_user)


def test_a_closed_job_cannot_be_edited_and_its_pending_invitations_are_withdrawn(
    job, invitation, freelancer_user
):
    services.job_close(job=job, by=job.client)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    assert "invitation.withdrawn" in kinds(freelancer_user)
    with pytest.raises(Invalid, match="This job is closed"):
        services.job_update(
            job=job, by=job.client, title="New", budget=Budget("fixed", amount=Decimal(1))
        )


def test_closing_a_job_leaves_an_invitation_answered_meanwhile_alone(job, invitation):
    # job_close lists the pending invitations, then locks each: one accepted in between stays.
    services.invitation_accept(invitation=invitation, by=invitation.freelancer, note="Yes!")
    services._withdraw(invitation_id=invitation.pk, now=timezone.now())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert not Notification.objects.filter(kind="invitation.withdrawn").exists()


def test_only_the_owner_edits_or_closes(job, other_client):
    # Someone else's job is not found, as on its pages.
    with pytest.raises(NotFound):
        services.job_close(job=job, by=other_client)
    with pytest.raises(NotFound):
        services.job_update(
            job=job, by=other_client, title="Mine", budget=Budget("fixed", amount=Decimal(1))
        )


# --- Sending ---------------------------------------------------------------------------------


def test_sending_an_invitation_notifies_the_freelancer(job, freelancer_user):
    invitation = invite(job, freelancer_user)
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    notification = Notification.objects.get(user=freelancer_user)
    assert notification.kind == "invitation.new"
    assert notification.url == f"/invitations/{invitation.pk}/"
    assert "Website rebuild" in notification.title


def test_the_client_chooses_how_long_it_stays_open(job, freelancer_user):
    invitation = invite(job, freelancer_user, expires_in_days=3)
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    with pytest.raises(ValidationError):
        invite(make_job(job.client, title="Other"), freelancer_user, expires_in_days=365)


def test_the_publication_waits_for_the_commit(
    job, freelancer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invite(job, freelancer_user)
    assert len(callbacks) == 1  # the live notification frame, after commit


@pytest.mark.parametrize(
    "note, message",
    [("", "Write a note"), ("   \n ", "Write a note"), ("x" * (NOTE_MAX_LENGTH + 1), "5,000")],
)
def test_a_note_is_required_and_limited(job, freelancer_user, note, message):
    with pytest.raises(ValidationError) as error:
        invite(job, freelancer_user, note=note)
    assert message in str(error.value)
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()


def test_bad_invitations_are_refused_and_change_nothing(job, freelancer_user, other_client):
    with pytest.raises(Invalid, match="Only freelancers"):
        invite(job, other_client)
    with pytest.raises(NotFound):
        services.invitation_send(job=job, freelancer=freelancer_user, by=other_client, note="Hi")
    invite(job, freelancer_user)
    with pytest.raises(Invalid, match="already has a pending invitation") as duplicate:
        invite(job, freelancer_user)
    assert duplicate.value.extra == {"field": "job"}  # shown next to the form's job field
    services.job_close(job=job, by=job.client)
    with pytest.raises(Invalid, match="closed"):
        invite(job, UserFactory(role="freelancer"))
    assert Invitation.objects.count() == 1


def test_a_new_invitation_is_allowed_once_the_last_was_answered(job, invitation, freelancer_user):
    services.invitation_decline(invitation=invitation, by=freelancer_user, reason="timeline")
    again = invite(job, freelancer_user)
    assert again.pk != invitation.pk


def test_the_database_refuses_a_second_pending_invitation(job, invitation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            job=job,
            freelancer=invitation.freelancer,
            note="again",
            expires_at=timezone.now() + timedelta(days=1),
        )


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_opens_the_workroom_with_the_note_as_first_message(
    invitation, freelancer_user, client_user
):
    workroom = services.invitation_accept(
        invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE, proposed_rate=Decimal("3800")
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.workroom == workroom and invitation.responded_at
    assert workroom.job == invitation.job
    assert (workroom.client, workroom.freelancer) == (client_user, freelancer_user)

    system, first = Message.objects.filter(conversation=workroom.conversation).order_by("seq")
    assert system.kind == Message.Kind.SYSTEM
    assert first.sender == freelancer_user
    assert first.body.startswith(ACCEPT_NOTE)
    assert "Proposed rate: $3,800 for the job" in first.body
    assert first.client_id == services.note_client_id(invitation)

    notification = Notification.objects.get(user=client_user, kind="invitation.accepted")
    assert notification.url == workroom.get_absolute_url()
    record = ResponseTimeRecord.objects.get(user=freelancer_user)
    assert record.kind == "invitation"


def test_a_second_accept_changes_nothing(invitation, freelancer_user):
    services.invitation_accept(invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE)
    with pytest.raises(InvitationClosed, match="already accepted"):
        services.invitation_accept(invitation=invitation, by=freelancer_user, note="Again")
    assert Workroom.objects.count() == 1
    assert Message.objects.filter(kind=Message.Kind.USER).count() == 1
    assert ResponseTimeRecord.objects.count() == 1


def test_someone_elses_invitation_cannot_be_answered(invitation, other_freelancer):
    # An invitation not addressed to you is not found, as on its page.
    with pytest.raises(NotFound):
        services.invitation_accept(invitation=invitation, by=other_freelancer, note="Mine now")
    with pytest.raises(NotFound):
        services.invitation_decline(invitation=invitation, by=other_freelancer, reason="budget")
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_accepting_needs_a_note(invitation, freelancer_user):
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, by=freelancer_user, note=" ")
    assert not Workroom.objects.exists()


def test_an_expired_invitation_cannot_be_accepted_even_before_the_sweep(
    invitation, freelancer_user
):
    with pytest.raises(InvitationClosed, match="expired"):
        services.invitation_accept(
            invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE, now=later(days=8)
        )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Workroom.objects.exists()


def test_a_withdrawn_invitation_cannot_be_accepted(invitation, freelancer_user, client_user):
    services.invitation_withdraw(invitation=invitation, by=client_user)
    assert "invitation.withdrawn" in kinds(freelancer_user)
    with pytest.raises(InvitationClosed, match="withdrew"):
        services.invitation_accept(invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE)
    with pytest.raises(InvitationClosed):
        services.invitation_withdraw(invitation=invitation, by=client_user)
    assert not Workroom.objects.exists()


def test_only_the_client_withdraws(invitation, freelancer_user, other_client):
    for person in (freelancer_user, other_client):
        with pytest.raises(NotFound):
            services.invitation_withdraw(invitation=invitation, by=person)


def test_a_note_that_breaks_the_rules_is_held_until_confirmed(invitation, freelancer_user):
    note = "Happy to! Let's skip the fees, pay me directly on PayPal"
    with pytest.raises(services.ConductWarning) as warning:
        services.invitation_accept(invitation=invitation, by=freelancer_user, note=note)
    assert warning.value.reasons
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Workroom.objects.exists() and not Message.objects.exists()

    services.invitation_accept(invitation=invitation, by=freelancer_user, note=note, confirm=True)
    assert Message.objects.get(kind=Message.Kind.USER).flagged


# --- Declining -------------------------------------------------------------------------------


def test_declining_with_a_reason_tells_the_client(invitation, freelancer_user, client_user):
    services.invitation_decline(
        invitation=invitation, by=freelancer_user, reason="budget", note="Thanks though!"
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "budget" and invitation.response_note == "Thanks though!"
    notification = Notification.objects.get(user=client_user)
    assert notification.kind == "invitation.declined"
    assert "budget" in notification.body
    assert ResponseTimeRecord.objects.filter(user=freelancer_user, kind="invitation").count() == 1


def test_declining_needs_a_known_reason_and_words_for_another_reason(invitation, freelancer_user):
    with pytest.raises(ValidationError):
        services.invitation_decline(invitation=invitation, by=freelancer_user, reason="meh")
    with pytest.raises(ValidationError):
        services.invitation_decline(invitation=invitation, by=freelancer_user, reason="other")
    assert Invitation.objects.get().status == Invitation.Status.PENDING


# --- Time ------------------------------------------------------------------------------------


def test_the_sweep_reminds_once_then_expires_and_tells_both(
    invitation, freelancer_user, client_user
):
    assert services.invitations_sweep(now=later(days=5)) == {"reminded": 0, "expired": 0}

    assert services.invitations_sweep(now=later(days=6, hours=1)) == {"reminded": 1, "expired": 0}
    assert services.invitations_sweep(now=later(days=6, hours=2)) == {"reminded": 0, "expired": 0}
    invitation.refresh_from_db()
    assert invitation.reminder_sent_at is not None
    assert kinds(freelancer_user).count("invitation.expiring") == 1

    assert services.invitations_sweep(now=later(days=7, minutes=1)) == {"reminded": 0, "expired": 1}
    assert services.invitations_sweep(now=later(days=8)) == {"reminded": 0, "expired": 0}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    assert "invitation.expired" in kinds(freelancer_user)
    assert "invitation.expired" in kinds(client_user)
    with pytest.raises(InvitationClosed, match="expired"):
        services.invitation_accept(invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE)


def test_the_sweep_leaves_answered_invitations_alone(invitation, freelancer_user):
    services.invitation_decline(invitation=invitation, by=freelancer_user, reason="timeline")
    assert services.invitations_sweep(now=later(days=30)) == {"reminded": 0, "expired": 0}
    assert Invitation.objects.get().status == Invitation.Status.DECLINED


def test_the_command_and_the_task_run_the_sweep(job, freelancer_user):
    from django.core.management import call_command

    from invitations.tasks import expire_invitations

    past = invite(job, freelancer_user)
    Invitation.objects.filter(pk=past.pk).update(
        created_at=later(days=-8), expires_at=later(days=-1)
    )
    call_command("expire_invitations")
    assert Invitation.objects.get(pk=past.pk).status == Invitation.Status.EXPIRED
    assert expire_invitations.delay().get() == {"reminded": 0, "expired": 0}


# --- Two accepts at once (PostgreSQL: SQLite serialises writers) ------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_open_one_workroom(client_user, freelancer_user):
    job = make_job(client_user)
    invitation = invite(job, freelancer_user)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait()
            services.invitation_accept(invitation=invitation, by=freelancer_user, note=ACCEPT_NOTE)
            outcomes.append("accepted")
        except InvitationClosed:
            outcomes.append("closed")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "closed"]
    assert Workroom.objects.count() == 1
    assert Message.objects.filter(kind=Message.Kind.USER).count() == 1
