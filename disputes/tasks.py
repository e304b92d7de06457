from celery import shared_task

from disputes import services


@shared_task
def sweep_deadlines() -> int:
    """Every few minutes (beat): expire unanswered proposals, flag stages past their time."""
    return services.sweep_deadlines()
