"""`{% load invitation_tags %}`: status badges, time left, the dashboard card's data."""

from datetime import timedelta

from django import template

from invitations import selectors
from invitations.models import REMINDER_BEFORE

register = template.Library()

BADGES = {
    "pending": "badge--accent",
    "accepted": "badge--success",
    "declined": "badge--danger",
    "expired": "badge--warning",
    "withdrawn": "",
}


@register.filter
def status_badge(invitation) -> str:
    return BADGES.get(invitation.display_status_value, "")


@register.filter
def expires_soon(invitation, now) -> bool:
    """Pending with 24 hours or less left: shown in amber."""
    return invitation.is_pending and invitation.expires_at - now <= REMINDER_BEFORE


@register.filter
def time_left(delta: timedelta) -> str:
    """“6 days, 23 hours”, “5 hours, 12 minutes”, “12 minutes”; “no time” when past."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "no time"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = max(1, rest // 60) if not days and not hours else rest // 60

    def part(n, unit):
        return f"{n} {unit}{'' if n == 1 else 's'}"

    if days:
        return part(days, "day") + (f", {part(hours, 'hour')}" if hours else "")
    if hours:
        return part(hours, "hour") + (f", {part(minutes, 'minute')}" if minutes else "")
    return part(minutes, "minute")


@register.simple_tag
def invitations_summary(user):
    return selectors.invitations_summary(user=user)
