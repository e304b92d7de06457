"""The demo's one clock (docs/architecture.md, "Demo data").

`seed_demo` reads the time once and every part of the seed places its story relative to that
moment, so a date on one page agrees with the same date on another. The services stamp rows with
the real time as they run; a `Story` records where each step of a seed began, and `retell` then
moves every row a step stamped (messages, activity, events, notifications…) to that step's place
in the past. Rows written by one service call stay together, so the dispute's header and its
timeline, or a notification and the event it tells of, show the same age.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Model, QuerySet
from django.utils import timezone

# The demo's calendar, in days before the seed. Each room's story ends before a dispute opens in
# it, so a room's chat reads in order; people joined before anything they did.
WEBSITE_OPENED_DAYS_AGO = 9
MOBILE_OPENED_DAYS_AGO = 6
BRAND_OPENED_DAYS_AGO = 57  # the day after Sam accepted the invitation (demo.invitations)
BRAND_DUE_DAYS_AGO = 40
OPEN_STARTS_DAYS_AGO = 2  # the open dispute, in Mobile app prototype
RESOLVED_ENDS_DAYS_AGO = 15  # the resolved one, in Brand guidelines
RESOLVED_STARTS_DAYS_AGO = RESOLVED_ENDS_DAYS_AGO + 7


@dataclass(frozen=True)
class DemoClock:
    now: datetime = field(default_factory=timezone.now)

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def hours_ago(self, hours: float) -> datetime:
        return self.now - timedelta(hours=hours)

    def minutes_ago(self, minutes: float) -> datetime:
        return self.now - timedelta(minutes=minutes)


class Story:
    """Marks the real moments between the steps of a seed: call `step()` after each service
    call (or group of calls) that is one moment of the story."""

    def __init__(self) -> None:
        self.marks = [timezone.now()]

    def step(self) -> None:
        self.marks.append(timezone.now())

    @property
    def began(self) -> datetime:
        return self.marks[0]

    def index(self, moment: datetime) -> int:
        return bisect_right(self.marks, moment) - 1

    def retell(
        self,
        rows: Iterable[tuple[QuerySet, tuple[str, ...]]],
        *,
        start: datetime,
        end: datetime,
    ) -> datetime:
        """Move each stamped field of `rows` that the story wrote (at or after it began) to its
        step's place: steps evenly spaced between `start` and `end`, in the order they
        happened, a step's rows a microsecond apart in their own order. Returns the last
        place used."""
        self.step()
        moments: list[tuple[datetime, type[Model], object, str]] = []
        for queryset, fields in rows:
            for row in queryset.values("pk", *fields):
                moments += [
                    (row[f], queryset.model, row["pk"], f)
                    for f in fields
                    if row[f] is not None and self.began <= row[f] <= self.marks[-1]
                ]
        moments.sort(key=lambda m: m[0])
        steps = len(self.marks) - 1
        gap = (end - start) / (steps + 1)
        last = start
        previous_step, within = -1, 0
        for moment, model, pk, name in moments:
            step = min(self.index(moment), steps - 1)
            within = within + 1 if step == previous_step else 0
            previous_step = step
            last = start + gap * (step + 1) + timedelta(microseconds=within)
            model._default_manager.filter(pk=pk).update(**{name: last})
        return last
