from django.db.models import Q, QuerySet

from workrooms.models import Workroom


def workrooms_for(*, user) -> QuerySet:
    """The rooms a person is a member of; anything else is simply not found."""
    return Workroom.objects.filter(Q(client=user) | Q(freelancer=user)).select_related(
        "client", "freelancer", "conversation"
    )


def workroom_for(*, user, workroom_id) -> Workroom | None:
    try:
        workroom_id = int(workroom_id)
    except (TypeError, ValueError):
        return None
    return workrooms_for(user=user).filter(pk=workroom_id).first()
