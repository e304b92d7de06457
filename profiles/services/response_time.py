"""Response times: how long something waited for a person, in their working hours."""

from datetime import datetime, time

from django.utils import timezone as dj_timezone

from profiles.models import Profile, ResponseTimeRecord, User
from profiles.response_times import business_seconds
from profiles.timezones import zone

# Whose profile says nothing of their hours: UTC, 09:00–17:00, Monday to Friday.
DEFAULT_HOURS = {
    "timezone": "",
    "work_start": time(9),
    "work_end": time(17),
    "work_days": [0, 1, 2, 3, 4],
}


def response_time_record(
    *, user: User, kind: str, started_at: datetime, responded_at: datetime
) -> ResponseTimeRecord:
    """Record how long something waited for `user`, counted in their working hours.

    Messaging calls this when someone answers a message; invitations when a freelancer answers
    an invitation. `started_at` is when it reached them, `responded_at` when they answered.
    """
    if kind not in ResponseTimeRecord.Kind.values:
        raise ValueError(f"unknown response kind {kind!r}")
    if dj_timezone.is_naive(started_at) or dj_timezone.is_naive(responded_at):
        raise ValueError("response times need aware datetimes")
    if responded_at < started_at:
        raise ValueError("responded_at is before started_at")
    hours = (
        Profile.objects.filter(user=user)
        .values("timezone", "work_start", "work_end", "work_days")
        .first()
    ) or DEFAULT_HOURS
    seconds = business_seconds(
        start=started_at,
        end=responded_at,
        tz=zone(hours["timezone"]),
        day_start=hours["work_start"],
        day_end=hours["work_end"],
        work_days=hours["work_days"],
    )
    return ResponseTimeRecord.objects.create(
        user=user,
        kind=kind,
        started_at=started_at,
        responded_at=responded_at,
        business_seconds=seconds,
    )
