from celery import shared_task

from messaging import notifications


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_digest(state_id: int) -> bool:
    # One digest; send_due_digests (beat, every minute) is what normally sends them. The
    # service's own due check makes an early, eager or repeated run harmless.
    return notifications.send_digest_if_due(state_id=state_id)


@shared_task
def send_due_digests() -> int:
    return notifications.send_due_digests()
