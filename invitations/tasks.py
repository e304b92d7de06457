from celery import shared_task

from invitations import services


@shared_task
def expire_invitations() -> dict:
    """Beat runs this every few minutes: 24-hour reminders, then expiry (both idempotent)."""
    return services.invitations_sweep()
