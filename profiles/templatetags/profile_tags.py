"""Profile helpers for templates: `{% load profile_tags %}`."""

from django import template
from django.http import QueryDict

from core.money import format_money
from profiles import selectors

register = template.Library()

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@register.simple_tag
def profile_completeness(user):
    """`{% profile_completeness user as meter %}`: the user's own completeness (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return selectors.completeness_for_user(user=user)


@register.filter
def hourly_rate(profile) -> str:
    """“$85/h”, or "" when no rate is set."""
    if profile is None or profile.hourly_rate is None:
        return ""
    return f"{format_money(profile.hourly_rate, profile.rate_currency)}/h"


@register.filter
def offset_label(hours) -> str:
    """How another person's clock relates to the viewer's: “2 h ahead of you”."""
    if hours is None:
        return ""
    if abs(hours) < 0.01:
        return "same time as you"
    amount = abs(hours)
    text = f"{amount:g}".rstrip("0").rstrip(".") if amount % 1 else f"{int(amount)}"
    return f"{text} h {'ahead of' if hours > 0 else 'behind'} you"


@register.filter
def work_days_label(days) -> str:
    """[0, 1, 2, 3, 4] → “Mon–Fri”; [0, 2, 4] → “Mon, Wed, Fri”."""
    days = sorted(set(days or []))
    if not days:
        return ""
    if len(days) == 7:
        return "every day"
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


@register.filter
def availability_tone(value) -> str:
    """The badge variant for an availability: green when they can take work."""
    return {"full_time": "success", "part_time": "accent", "not_available": ""}.get(value, "")


@register.simple_tag
def query_with(query_string: str, key: str, value) -> str:
    """The current query string plus key=value (once), without the page: for filter links."""
    params = QueryDict(query_string, mutable=True)
    params.pop("page", None)
    values = params.getlist(key)
    if str(value) not in values:
        params.appendlist(key, str(value))
    return "?" + params.urlencode()
