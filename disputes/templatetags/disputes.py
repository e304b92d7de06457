"""Dispute bits for other pages and the dispute pages themselves: `{% load disputes %}`.

- `{% dispute_flag workroom %}` in the workroom's header: "A dispute is open on this workroom —
  see it" while one is active, else an "Open a dispute" link for the room's members (not in a
  closed room).
- `|time_left`: a timedelta (or a due datetime) as "3 days", "1 day 4 h", "5 h 20 min".
- `|stage_badge`: the badge modifier for a dispute's status.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from disputes.selectors import active_dispute_for

register = template.Library()


def time_left(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value - timezone.now()
    if not isinstance(value, timedelta):
        return ""
    minutes = max(0, round(value.total_seconds() / 60))
    if minutes >= 2 * 1440:
        # "5 days", not "4 days" a second after a five-day clock started.
        return f"{round(minutes / 1440)} days"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days == 1:
        return "1 day" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins and hours < 3 else "")
    return f"{mins} min" if mins else "under a minute"


register.filter("time_left", time_left)


@register.filter
def file_ext(name) -> str:
    """ "report.PDF" -> "PDF": the label on a file that has no preview."""
    base, dot, ext = str(name or "").rpartition(".")
    return ext.upper()[:4] if dot and base else "FILE"


@register.filter
def stage_badge(status) -> str:
    return {
        "open": "badge--accent",
        "mediation": "badge--warning",
        "resolved": "badge--success",
    }.get(str(status), "")


@register.inclusion_tag("disputes/_workroom_flag.html", takes_context=True)
def dispute_flag(context, workroom):
    user = context.get("user") or context["request"].user
    member = user.is_authenticated and user.pk in (workroom.client_id, workroom.freelancer_id)
    active = active_dispute_for(workroom=workroom) if member else None
    return {
        "workroom": workroom,
        "active": active,
        "can_open": member and active is None and not workroom.is_closed,
    }
