from django import template
from django.utils import timezone

from workrooms import selectors
from workrooms.models import Workroom

register = template.Library()


@register.simple_tag
def workrooms_summary(user) -> dict:
    """For the dashboard card: the user's open rooms and the next deadlines across them."""
    rooms = selectors.workrooms_for(user=user).exclude(status=Workroom.Status.CLOSED)
    deadlines = selectors.upcoming_deadlines(user=user, limit=4)
    now = timezone.now()
    for deadline in deadlines:
        deadline.overdue = deadline.is_overdue(now)
    return {"open": rooms.count(), "deadlines": deadlines}
