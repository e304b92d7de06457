from celery import shared_task

from messaging import notifications


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_digest(state_id: int) -> bool:
    # Eager mode runs this at once, before it is due: the service's own due check then makes it
    # a no-op, and the periodic sweep sends it when it is due.
    return notifications.send_digest_if_due(state_id=state_id)


@shared_task
def send_due_digests() -> int:
    return notifications.send_due_digests()
