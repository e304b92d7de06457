"""IANA timezone names: validation, choices for a select, conversions used by profiles, and
where a user's timezone is cached."""

import zoneinfo
from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone as dj_timezone

# The user's timezone name, cached: profiles.services writes it when it changes,
# profiles.selectors.timezone_for_user reads it on every request.
TIMEZONE_CACHE_KEY = "profiles:tz:{}"
TIMEZONE_CACHE_SECONDS = 24 * 3600

# The regions people pick from; legacy aliases ("US/Eastern", "Etc/GMT+5") stay valid if
# stored but are not offered.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def timezone_cache_key(user_id: int) -> str:
    return TIMEZONE_CACHE_KEY.format(user_id)


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """Every zone the installed database knows (system files or the tzdata package)."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if not name.startswith(("posix/", "right/")) and name not in {"localtime", "Factory"}
    }
    return frozenset(names | {"UTC"})


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


def validate_timezone(name: str) -> None:
    if name and not is_valid_timezone(name):
        raise ValidationError(
            "“%(name)s” is not a timezone we know. Pick one from the list, e.g. Europe/Berlin.",
            code="unknown_timezone",
            params={"name": name[:64]},
        )


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for a stored name; UTC for an empty or unknown one (never raises)."""
    if name and is_valid_timezone(name):
        return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo("UTC")


def _offset_label(tz: zoneinfo.ZoneInfo, now: datetime) -> str:
    offset = now.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def timezone_choices() -> list:
    """Grouped choices for a <select>: ("Europe", [("Europe/Berlin", "Berlin (UTC+01:00)"), …])."""
    now = dj_timezone.now()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(timezone_names()):
        region, _, city = name.partition("/")
        if region not in REGIONS or not city:
            continue
        label = city.replace("_", " ").replace("/", " / ")
        groups.setdefault(region, []).append(
            (name, f"{label} ({_offset_label(zoneinfo.ZoneInfo(name), now)})")
        )
    return [("UTC", "UTC (Coordinated Universal Time)")] + [
        (region, groups[region]) for region in REGIONS if region in groups
    ]
