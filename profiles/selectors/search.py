"""Freelancer search: the criteria, the results a page reads, and the search itself.

On PostgreSQL the ranking is profiles.search's (stored documents, tiers); elsewhere (SQLite) an
icontains fallback here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.query import QuerySet

from core.money import DEFAULT_CURRENCY
from profiles.models import Profile, ProfileSkill, Skill, User, normalize_skill
from profiles.search import ranked_tiers

QUERY_MAX_LENGTH = 200
QUERY_MAX_TERMS = 8
POPULAR_SKILLS_CACHE_KEY = "profiles:popular-skills:{}"
POPULAR_SKILLS_CACHE_SECONDS = 600


@dataclass(frozen=True)
class SearchCriteria:
    q: str = ""
    skills: tuple[str, ...] = ()
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    currency: str = ""
    availability: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.q
            or self.skills
            or self.rate_min is not None
            or self.rate_max is not None
            or self.availability
        )


def clean_query(q: str) -> str:
    return " ".join((q or "").split())[:QUERY_MAX_LENGTH]


SEARCH_COUNT_CAP = 1000


class CardSkill(NamedTuple):
    name: str
    normalized: str


# What a result card shows; the rest of a profile stays in the database.
CARD_FIELDS = (
    "photo",
    "photo_thumb",
    "title",
    "overview",
    "hourly_rate",
    "rate_currency",
    "availability",
    "country",
    "user__name",
    "user__handle",
    "user__role",
    "user__is_active",
)


class SearchResults:
    """The result of a search, for Paginator: count() and slices, one page at a time.

    Holds one or more tiers, each a queryset of (profile id, rank) in order, built only when
    needed; the results are the first tier, then the next. Counting stops at SEARCH_COUNT_CAP
    (the page says "1,000+"): nobody reads past fifty pages, and an exact count of a broad query
    would cost as much as the search itself. A slice fetches the ids it needs from the tiers,
    then the page's profiles (with their users) and skills in two queries, whatever its size.

    A tier may come as a profiles.search.Tier: with a walk, the same rows in the same order up
    to a given row, read through an index that stops after the page, used when the tier's count
    reached the cap (ranking a thousand matches or more is then what costs, and matches are
    dense enough in the walk for it to stop early; below the cap, ranking them all is cheap);
    and with a cheaper query over the same matches to count them.
    """

    def __init__(self, tiers, *, cap: int = SEARCH_COUNT_CAP):
        # Querysets, or callables that build one: building costs time a search may not need.
        self._tiers = list(tiers)
        self._walks: dict[int, Callable[[int], QuerySet]] = {}
        self._counted: dict[int, QuerySet] = {}
        self.cap = cap
        self._tier_counts: list[int] | None = None
        self._tiers_at_cap: set[int] = set()

    def tier(self, index: int) -> QuerySet:
        if callable(self._tiers[index]):
            built = self._tiers[index]()
            if hasattr(built, "ranked"):  # a profiles.search.Tier
                if built.walk is not None:
                    self._walks[index] = built.walk
                if built.counted is not None:
                    self._counted[index] = built.counted
                built = built.ranked
            self._tiers[index] = built
        return self._tiers[index]

    def _rows_of(self, index: int, stop: int) -> QuerySet:
        """Tier `index` in order, good for its first `stop` rows."""
        tier = self.tier(index)
        if index in self._tiers_at_cap and index in self._walks:
            return self._walks[index](stop)
        return tier

    @property
    def tiers(self) -> list[QuerySet]:
        return [self.tier(index) for index in range(len(self._tiers))]

    def tier_counts(self) -> list[int]:
        if self._tier_counts is None:
            counts, room = [], self.cap + 1
            for index in range(len(self._tiers)):
                # Unordered: LIMIT then stops the scan early instead of ranking every match.
                tier = self.tier(index)  # builds it, and what counts it, if any
                counted = self._counted.get(index, tier)
                found = counted.order_by()[:room].count() if room > 0 else 0
                counts.append(found)
                if room > 0 and found == room:
                    self._tiers_at_cap.add(index)
                room -= found
            self._tier_counts = counts
        return self._tier_counts

    def count(self) -> int:
        return min(sum(self.tier_counts()), self.cap)

    @property
    def capped(self) -> bool:
        """More than `cap` matched: the count shown is a floor."""
        return sum(self.tier_counts()) > self.cap

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        stop = self.count() if key.stop is None else min(key.stop, self.count())
        rows, offset = [], 0
        for index, found in enumerate(self.tier_counts()):
            low, high = max(start - offset, 0), min(stop - offset, found)
            if low < high:
                rows.extend(self._rows_of(index, high)[low:high])
            offset += found
        return self._profiles(rows)

    def _profiles(self, rows) -> list[Profile]:
        if not rows:
            return []
        ids = [pk for pk, _ in rows]
        by_id = (
            Profile.objects.select_related("user")
            .only(*CARD_FIELDS)
            .filter(user__role=User.Role.FREELANCER, user__is_active=True)
            .in_bulk(ids)
        )
        skills: dict[int, list[CardSkill]] = {pk: [] for pk in ids}
        for pk, name, normalized in (
            ProfileSkill.objects.filter(profile_id__in=ids)
            .order_by("profile_id", "position", "pk")
            .values_list("profile_id", "skill__name", "skill__normalized")
        ):
            skills[pk].append(CardSkill(name, normalized))
        profiles = []
        for pk, rank in rows:
            if pk in by_id:  # a search row can trail a change made outside the app's writes
                profile = by_id[pk]
                profile.rank, profile.card_skills = rank, skills[pk]
                profiles.append(profile)
        return profiles

    def explain(self, **options) -> str:
        """The plan of the first page of the first tier."""
        return self.tier(0)[:20].explain(**options)


def freelancer_search(
    *,
    q: str = "",
    skills=(),
    rate_min: Decimal | None = None,
    rate_max: Decimal | None = None,
    currency: str = "",
    availability=(),
) -> SearchResults:
    """Active freelancers matching the criteria, most relevant first.

    Keywords search skills, title and overview. On PostgreSQL, through the stored, weighted
    tsvectors of profiles.search: profiles whose skills or title match come first, ranked by
    ts_rank, then those matching only in their overview. Elsewhere (SQLite) through icontains
    with a simple score (an exact skill 8, a skill containing the word 4, the title 2, the
    overview 1). Either way an exact skill match outranks a passing mention in the overview.
    Without keywords, the most recently updated profiles come first. Rates are compared in one
    currency (Tandem does not convert), so a rate bound keeps only profiles priced in `currency`.
    """
    q = clean_query(q)
    criteria = {
        "skills": [name for name in skills if normalize_skill(name)],
        "rate_min": rate_min,
        "rate_max": rate_max,
        "currency": currency,
        "availability": list(availability),
    }
    if q and connection.vendor == "postgresql":
        return SearchResults(ranked_tiers(q=q, **criteria))
    profiles = _filtered_profiles(**criteria)
    if not q:
        ranked = profiles.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
            "-updated_at", "pk"
        )
    else:
        ranked = _rank_fallback(profiles, q)
    return SearchResults([ranked.values_list("pk", "rank")])


def _filtered_profiles(*, skills, rate_min, rate_max, currency, availability) -> QuerySet:
    profiles = Profile.objects.filter(user__role=User.Role.FREELANCER, user__is_active=True)
    for name in skills:
        profiles = profiles.filter(
            Exists(
                ProfileSkill.objects.filter(
                    profile=OuterRef("pk"), skill__normalized=normalize_skill(name)
                )
            )
        )
    if rate_min is not None or rate_max is not None:
        profiles = profiles.filter(rate_currency=currency or DEFAULT_CURRENCY)
        if rate_min is not None:
            profiles = profiles.filter(hourly_rate__gte=rate_min)
        if rate_max is not None:
            profiles = profiles.filter(hourly_rate__lte=rate_max)
    if availability:
        profiles = profiles.filter(availability__in=availability)
    return profiles


def _rank_fallback(profiles: QuerySet[Profile], q: str) -> QuerySet[Profile]:
    """icontains over the same fields, every word required, ranked by where words were found."""
    terms = q.split()[:QUERY_MAX_TERMS]
    score = Value(0, output_field=IntegerField())
    phrase = normalize_skill(q)
    if len(terms) > 1:
        score = score + Case(
            When(
                Exists(
                    ProfileSkill.objects.filter(profile=OuterRef("pk"), skill__normalized=phrase)
                ),
                then=Value(8),
            ),
            default=Value(0),
        )
    for term in terms:
        exact = Exists(
            ProfileSkill.objects.filter(
                profile=OuterRef("pk"), skill__normalized=normalize_skill(term)
            )
        )
        partial = Exists(
            ProfileSkill.objects.filter(profile=OuterRef("pk"), skill__name__icontains=term)
        )
        profiles = profiles.filter(
            Q(partial) | Q(title__icontains=term) | Q(overview__icontains=term)
        )
        score = (
            score
            + Case(When(exact, then=Value(8)), default=Value(0))
            + Case(When(partial, then=Value(4)), default=Value(0))
            + Case(When(title__icontains=term, then=Value(2)), default=Value(0))
            + Case(When(overview__icontains=term, then=Value(1)), default=Value(0))
        )
    return profiles.annotate(rank=score).order_by("-rank", "pk")


def popular_skills(*, limit: int = 12) -> list[str]:
    """The skills most freelancers list (cached: it counts over every profile)."""
    key = POPULAR_SKILLS_CACHE_KEY.format(limit)
    names = cache.get(key)
    if names is None:
        names = list(
            Skill.objects.annotate(
                n=Count(
                    "profile_skills",
                    filter=Q(
                        profile_skills__profile__user__role=User.Role.FREELANCER,
                        profile_skills__profile__user__is_active=True,
                    ),
                )
            )
            .filter(n__gt=0)
            .order_by("-n", "name")
            .values_list("name", flat=True)[:limit]
        )
        cache.set(key, names, POPULAR_SKILLS_CACHE_SECONDS)
    return names
