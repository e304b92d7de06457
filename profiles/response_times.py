"""Working-hours arithmetic for response times. Pure functions: no database, easy to test.

A response is measured in the responder's working time only: the seconds between the moment
something reached them and the moment they answered that fall inside their working hours, on
their working days, in their own timezone. A message that arrives on Friday evening and is
answered on Monday morning counts the minutes of Monday morning, not the weekend.

Days are local calendar days of the responder's zone. Each day's window is built from wall-clock
times in that zone and converted to UTC before any subtraction (subtracting two aware datetimes
that share one ZoneInfo compares wall clocks and would be wrong across a DST change), so the day
the clocks go forward really is an hour shorter when the window spans the change.
"""

import math
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Below this many records a profile says "New to Tandem" instead of a figure.
MIN_RECORDS = 3
# The figure is the median of the most recent records: recent behaviour is what a client meets.
RECENT_RECORDS = 50
# Under this median the profile shows the "Responsive" badge.
BADGE_BELOW_HOURS = 24


def business_seconds(
    *,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    day_start: time,
    day_end: time,
    work_days: Iterable[int],
) -> int:
    """Seconds of [start, end) inside the working windows; work_days are Monday=0 … Sunday=6."""
    if end <= start or day_end <= day_start:
        return 0
    days = set(work_days)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    total = 0.0
    while day <= last:
        if day.weekday() in days:
            opens = datetime.combine(day, day_start, tzinfo=tz).astimezone(UTC)
            closes = datetime.combine(day, day_end, tzinfo=tz).astimezone(UTC)
            low, high = max(opens, start_utc), min(closes, end_utc)
            if high > low:
                total += (high - low).total_seconds()
        day += timedelta(days=1)
    return int(total)


def response_time_label(hours: float | None) -> str:
    """“Typically responds within 3 hours”, or “New to Tandem” without enough history."""
    if hours is None:
        return "New to Tandem"
    rounded = max(1, math.ceil(hours - 1e-9))
    return f"Typically responds within {rounded} hour{'s' if rounded != 1 else ''}"


def is_responsive(hours: float | None) -> bool:
    return hours is not None and hours < BADGE_BELOW_HOURS
