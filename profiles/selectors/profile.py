"""Reads of one profile: its page, its owner's view, its work samples, the owner's timezone and
response time."""

import statistics

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.db.models.query import QuerySet

from profiles.models import Profile, ProfileSkill, ResponseTimeRecord, User, WorkSample
from profiles.response_times import MIN_RECORDS, RECENT_RECORDS
from profiles.timezones import TIMEZONE_CACHE_SECONDS, timezone_cache_key


def _skills_prefetch() -> Prefetch:
    return Prefetch(
        "profile_skills",
        queryset=ProfileSkill.objects.select_related("skill").order_by("position", "pk"),
        to_attr="ordered_skills",
    )


def profile_for_page(*, handle: str) -> Profile | None:
    """An active user's profile by handle, with what the profile page shows, or None."""
    return (
        Profile.objects.select_related("user")
        .prefetch_related(_skills_prefetch())
        .filter(user__handle=handle.lower(), user__is_active=True)
        .first()
    )


def profile_for_owner(*, user: User) -> Profile:
    return (
        Profile.objects.select_related("user").prefetch_related(_skills_prefetch()).get(user=user)
    )


def work_samples_visible(*, profile: Profile, viewer: User) -> QuerySet[WorkSample]:
    """Every sample for the owner; the public ones for anyone else."""
    samples = WorkSample.objects.filter(profile=profile).order_by("position", "pk")
    if viewer.pk != profile.pk:
        samples = samples.filter(is_public=True)
    return samples


def work_sample_for_owner(*, user: User, sample_id: int) -> WorkSample | None:
    return WorkSample.objects.filter(pk=sample_id, profile__user=user).first()


def work_sample_image_for(*, viewer: User, handle: str, sample_id: int) -> WorkSample | None:
    """A sample whose image the viewer may see: public, or their own; None otherwise."""
    return (
        WorkSample.objects.filter(
            pk=sample_id, profile__user__handle=handle.lower(), profile__user__is_active=True
        )
        .filter(Q(is_public=True) | Q(profile__user=viewer))
        .exclude(image="")
        .first()
    )


def timezone_for_user(*, user_id: int) -> str:
    """The user's timezone name ("" when unset), from the cache; one query on a miss.

    Saving a profile refreshes the cached value whenever the timezone changes.
    """
    key = timezone_cache_key(user_id)
    name = cache.get(key)
    if name is None:
        name = (
            Profile.objects.filter(user_id=user_id).values_list("timezone", flat=True).first() or ""
        )
        cache.set(key, name, TIMEZONE_CACHE_SECONDS)
    return name


def response_time_summary(*, user: User) -> float | None:
    """The median of the user's recent response times in working hours; None under 3 records."""
    seconds = list(
        ResponseTimeRecord.objects.filter(user=user)
        .order_by("-responded_at")
        .values_list("business_seconds", flat=True)[:RECENT_RECORDS]
    )
    if len(seconds) < MIN_RECORDS:
        return None
    return statistics.median(seconds) / 3600
