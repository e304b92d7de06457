"""The queue's filters and its "time left" words."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from profiles.models import User


def time_left_words(due_at, now=None) -> tuple[str, bool]:
    """("3 days left", False) or ("overdue by 2 days", True) for a stage's due time."""
    now = now or timezone.now()
    if due_at >= now:
        return f"{timeuntil(due_at, now, depth=1)} left".replace("\xa0", " "), False
    return f"overdue by {timesince(due_at, now, depth=1)}".replace("\xa0", " "), True


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("today", "Opened today"),
            ("week", "Opened in the last 7 days"),
            ("older", "Older than 7 days"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        week_ago = now - timedelta(days=7)
        if self.value() == "today":
            midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(created_at__gte=midnight)
        if self.value() == "week":
            return queryset.filter(created_at__gte=week_ago)
        if self.value() == "older":
            return queryset.filter(created_at__lt=week_ago)
        return queryset


class MediatorFilter(admin.SimpleListFilter):
    title = "mediator"
    parameter_name = "mediator"

    def lookups(self, request, model_admin):
        choices = [("none", "Unassigned"), ("me", "Assigned to me")]
        mediators = (
            User.objects.filter(disputes_mediated__isnull=False)
            .exclude(pk=request.user.pk)
            .distinct()
            .order_by("name", "pk")
        )
        choices += [(str(user.pk), user.name or user.email) for user in mediators]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(mediator__isnull=True)
        if value == "me":
            return queryset.filter(mediator=request.user)
        if value and value.isdigit():
            return queryset.filter(mediator_id=int(value))
        return queryset
