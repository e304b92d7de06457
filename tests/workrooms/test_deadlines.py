from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed
from messaging.models import Notification
from workrooms import services
from workrooms.models import Activity, Deadline, Reminder

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline(room, client_user, later):
    return services.deadline_set(
        workroom=room,
        by=client_user,
        title="Homepage design",
        due_at=later,
        amount=Decimal("1200.00"),
        currency="eur",
    )


def test_client_sets_a_deadline_with_an_amount(deadline, room):
    assert deadline.status == Deadline.Status.PENDING
    assert deadline.amount == Decimal("1200.00") and deadline.currency == "EUR"
    assert Activity.objects.filter(workroom=room, kind="deadline.set").exists()


def test_a_due_date_in_the_past_and_the_freelancer_setting_one_are_refused(
    room, client_user, freelancer_user, later
):
    with pytest.raises(ValidationError) as error:
        services.deadline_set(
            workroom=room,
            by=client_user,
            title="Late",
            due_at=timezone.now() - timedelta(minutes=1),
        )
    assert "past" in error.value.message_dict["due_at"][0]
    with pytest.raises(NotAllowed):
        services.deadline_set(workroom=room, by=freelancer_user, title="Mine", due_at=later)


def test_submit_then_changes_then_resubmit_then_approve(
    deadline, room, client_user, freelancer_user
):
    v1 = services.file_share(
        workroom=room, by=freelancer_user, uploaded_file=upload("home.pdf", b"%PDF-1")
    )
    v2 = services.file_share(
        workroom=room, by=freelancer_user, uploaded_file=upload("home.pdf", b"%PDF-2")
    )
    # The client may not submit; the freelancer may not approve their own submission.
    with pytest.raises(NotAllowed):
        services.deadline_submit(workroom=room, deadline=deadline, by=client_user, note="x")
    deadline = services.deadline_submit(
        workroom=room, deadline=deadline, by=freelancer_user, note="First pass", versions=[v1]
    )
    assert deadline.status == Deadline.Status.SUBMITTED
    assert list(deadline.delivered_versions.all()) == [v1]
    with pytest.raises(NotAllowed, match="can't approve your own"):
        services.deadline_review(workroom=room, deadline=deadline, by=freelancer_user, approve=True)
    with pytest.raises(Invalid, match="submitted: it can't be submitted now"):
        services.deadline_submit(workroom=room, deadline=deadline, by=freelancer_user, note="again")
    with pytest.raises(ValidationError):  # asking for changes needs a note
        services.deadline_review(workroom=room, deadline=deadline, by=client_user, approve=False)

    deadline = services.deadline_review(
        workroom=room, deadline=deadline, by=client_user, approve=False, note="Bigger logo"
    )
    assert deadline.status == Deadline.Status.PENDING and deadline.changes_requested
    deadline = services.deadline_submit(
        workroom=room, deadline=deadline, by=freelancer_user, note="Done", versions=[v2.pk]
    )
    assert [v.number for v in deadline.delivered_versions.all()] == [2]
    deadline = services.deadline_review(
        workroom=room, deadline=deadline, by=client_user, approve=True
    )
    assert deadline.status == Deadline.Status.APPROVED
    with pytest.raises(Invalid, match="approved"):
        services.deadline_update(
            workroom=room,
            deadline=deadline,
            by=client_user,
            title="x",
            due_at=deadline.due_at,
        )
    kinds = set(Activity.objects.filter(workroom=room).values_list("kind", flat=True))
    assert {
        "deadline.set",
        "deadline.submitted",
        "deadline.changes_requested",
        "deadline.approved",
    } <= kinds


def test_moving_a_due_date_is_recorded_in_the_history(deadline, room, client_user, later):
    services.deadline_update(
        workroom=room,
        deadline=deadline,
        by=client_user,
        title=deadline.title,
        due_at=later + timedelta(days=2),
        amount=deadline.amount,
        currency=deadline.currency,
    )
    change = Activity.objects.get(kind="deadline.changed")
    assert "moved the deadline" in change.summary
    assert change.data["due_before"] == later.isoformat()


def test_overdue_is_a_pending_deadline_past_its_due_moment(deadline):
    assert not deadline.is_overdue()
    assert deadline.is_overdue(now=deadline.due_at + timedelta(seconds=1))


def test_reminders_24h_1h_and_overdue_each_go_out_once(deadline, client_user, freelancer_user):
    due = deadline.due_at

    def sent(now):
        return services.reminders_send(now=now)

    assert sent(due - timedelta(hours=30)) == 0
    assert sent(due - timedelta(hours=23)) == 1
    assert sent(due - timedelta(hours=22)) == 0
    assert sent(due - timedelta(minutes=50)) == 1
    assert sent(due - timedelta(minutes=10)) == 0
    assert sent(due + timedelta(minutes=1)) == 1
    assert sent(due + timedelta(hours=5)) == 0
    assert list(Reminder.objects.order_by("sent_at").values_list("kind", flat=True)) == [
        "due_24h",
        "due_1h",
        "overdue",
    ]
    for person in (client_user, freelancer_user):
        kinds = list(
            Notification.objects.filter(user=person, kind__startswith="deadline.")
            .exclude(kind="deadline.set")
            .values_list("kind", flat=True)
        )
        assert sorted(kinds) == ["deadline.due_soon", "deadline.due_soon", "deadline.overdue"]


def test_a_submitted_deadline_gets_no_reminders_and_a_moved_one_gets_them_again(
    deadline, room, client_user, freelancer_user
):
    due = deadline.due_at
    assert services.reminders_send(now=due - timedelta(hours=20)) == 1
    services.deadline_update(
        workroom=room,
        deadline=deadline,
        by=client_user,
        title=deadline.title,
        due_at=due + timedelta(days=1),
        now=due - timedelta(hours=20),
    )
    assert services.reminders_send(now=due + timedelta(hours=4)) == 1  # 24 h before the new date
    services.deadline_submit(workroom=room, deadline=deadline, by=freelancer_user, note="Done")
    assert services.reminders_send(now=due + timedelta(days=2)) == 0


def test_the_management_command_runs_the_same_sweep(deadline, capsys):
    Deadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() + timedelta(minutes=30))
    call_command("workroom_reminders")
    assert "Sent 1 reminder(s)." in capsys.readouterr().out
    call_command("workroom_reminders")
    assert "Sent 0 reminder(s)." in capsys.readouterr().out


def test_the_beat_schedule_runs_reminders_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["workrooms-send-reminders"]
    assert entry["task"] == "workrooms.tasks.send_reminders"
