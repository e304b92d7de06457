"""Reminders: Celery beat runs `reminders_send` every minute; so does
`manage.py workroom_reminders`."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.notifications import notify
from workrooms.models import Call, Deadline, Reminder, Workroom

from ._common import publish, room_url


@dataclass
class ReminderPlan:
    deadline: Deadline | None
    call: Call | None
    kind: str
    for_moment: object


def _deadline_reminder_kind(deadline: Deadline, now) -> str | None:
    left = deadline.due_at - now
    if left <= timedelta(0):
        return Reminder.Kind.OVERDUE
    if left <= timedelta(hours=1):
        return Reminder.Kind.DUE_1H
    if left <= timedelta(hours=24):
        return Reminder.Kind.DUE_24H
    return None


def reminders_send(*, now=None) -> int:
    """Send every reminder that is due and not sent yet; returns how many were sent.

    Deadlines (pending, room not closed): 24 h before, 1 h before and once overdue; a reminder
    whose window was missed (a deadline set 30 minutes ahead) is skipped for the later one.
    Calls (proposed or accepted): 15 minutes before. Each is recorded in `Reminder` in the
    same transaction as its notifications, so retried or concurrent runs send it once.
    """
    now = now or timezone.now()
    plans: list[ReminderPlan] = []
    deadlines = Deadline.objects.filter(
        status=Deadline.Status.PENDING,
        due_at__lte=now + timedelta(hours=24),
        due_at__gte=now - timedelta(days=30),
    ).exclude(workroom__status=Workroom.Status.CLOSED)
    for deadline in deadlines:
        kind = _deadline_reminder_kind(deadline, now)
        if kind:
            plans.append(ReminderPlan(deadline, None, kind, deadline.due_at))
    calls = Call.objects.filter(
        status__in=[Call.Status.PROPOSED, Call.Status.ACCEPTED],
        starts_at__gt=now,
        starts_at__lte=now + timedelta(minutes=15),
    ).exclude(workroom__status=Workroom.Status.CLOSED)
    for call in calls:
        plans.append(ReminderPlan(None, call, Reminder.Kind.CALL_15M, call.starts_at))
    return sum(1 for plan in plans if _send_reminder(plan))


def _send_reminder(plan: ReminderPlan) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                deadline=plan.deadline, call=plan.call, kind=plan.kind, for_moment=plan.for_moment
            )
            target = plan.deadline or plan.call
            workroom = Workroom.objects.select_related("client", "freelancer").get(
                pk=target.workroom_id
            )
            if plan.deadline:
                title = {
                    Reminder.Kind.DUE_24H: f"“{plan.deadline.title}” is due within 24 hours",
                    Reminder.Kind.DUE_1H: f"“{plan.deadline.title}” is due within the hour",
                    Reminder.Kind.OVERDUE: f"“{plan.deadline.title}” is overdue",
                }[plan.kind]
                overdue = plan.kind == Reminder.Kind.OVERDUE
                kind = "deadline.overdue" if overdue else "deadline.due_soon"
                anchor = "deadlines"
            else:
                title = f"Your call in {workroom.title} starts in 15 minutes"
                kind, anchor = "call.soon", "calls"
            for user in (workroom.client, workroom.freelancer):
                notify(user=user, kind=kind, title=title, url=room_url(workroom, anchor))
            if plan.kind == Reminder.Kind.OVERDUE:
                publish(workroom, "deadlines")
    except IntegrityError:
        return False  # already sent (by an earlier or a concurrent run)
    return True
