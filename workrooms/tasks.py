from celery import shared_task

from workrooms import services


@shared_task
def send_reminders() -> int:
    """Deadline (24 h, 1 h, overdue) and call (15 min) reminders; each is sent once."""
    return services.reminders_send()
