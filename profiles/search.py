"""Freelancer search on PostgreSQL: the documents, how they are built, how they are ranked.

Two tables, filled by one SQL statement (refresh_sql), hold each profile's searchable text:

- ProfileSearchHead: skills (weight A) and title (weight B), narrow rows.
- ProfileSearchDocument: skills, title and overview (weight C), the full text.

Both carry copies of what search filters on (an active freelancer? availability, rate,
currency), so a search reads one table and joins profiles only for the 20 it shows.

Ranking is in tiers (ranked_tiers): when the query is a skill's name, first the profiles that
list it (those who list it first, first); then the profiles whose skills or title match every
word, by ts_rank on that head text; then those that match only thanks to their overview, by
ts_rank on the full text. So someone who lists Django as a skill always comes before someone who
once mentioned it, and a broad query ("python" matches a quarter of all profiles) reads an index
in order or narrow rows, which is what keeps it fast (bench/search.py).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connection as default_connection
from django.db.models import (
    BooleanField,
    F,
    FloatField,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)

from core.money import DEFAULT_CURRENCY
from profiles.models import (
    Profile,
    ProfileSearchDocument,
    ProfileSearchHead,
    ProfileSearchTerm,
    ProfileSkill,
    Skill,
    User,
    normalize_skill,
)

SEARCH_CONFIG = "english"

# A tsvector word as a one-word tsquery: quoted, quotes and backslashes doubled (the tsquery
# input syntax), so the word is taken as it is, not parsed or stemmed again.
WORD_AS_TSQUERY = r"('''' || replace(replace({}, '\', '\\'), '''', '''''') || '''')::tsquery"


def refresh_sql(*, profile_ids: Iterable[int] | None) -> tuple[str, list]:
    """One statement that rebuilds the search rows of these profiles (all when None): the
    document, the head, and the head's words with their ranks (ProfileSearchTerm)."""
    head, doc = ProfileSearchHead._meta.db_table, ProfileSearchDocument._meta.db_table
    term = ProfileSearchTerm._meta.db_table
    profile, user = Profile._meta.db_table, User._meta.db_table
    link, skill = ProfileSkill._meta.db_table, Skill._meta.db_table
    params: list = [SEARCH_CONFIG, SEARCH_CONFIG, SEARCH_CONFIG, User.Role.FREELANCER]
    if profile_ids is None:
        # Everything at once: one aggregate over all skills beats a lookup per profile.
        skills_join = f"""
            LEFT JOIN (
                SELECT ps.profile_id, string_agg(sk.name, ' , ' ORDER BY ps.position) AS names,
                       array_agg(ps.skill_id) AS skill_ids
                FROM {link} ps JOIN {skill} sk ON sk.id = ps.skill_id
                GROUP BY ps.profile_id
            ) s ON s.profile_id = p.user_id"""  # noqa: S608 - table names from model metadata
        where = ""
    else:
        skills_join = f"""
            LEFT JOIN LATERAL (
                SELECT string_agg(sk.name, ' , ' ORDER BY ps.position) AS names,
                       array_agg(ps.skill_id) AS skill_ids
                FROM {link} ps JOIN {skill} sk ON sk.id = ps.skill_id
                WHERE ps.profile_id = p.user_id
            ) s ON true"""  # noqa: S608 - table names from model metadata
        where = "WHERE p.user_id = ANY(%s)"
        params.append(list(profile_ids))
    columns = "searchable, availability, hourly_rate, rate_currency, skill_ids"
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns.split(", "))
    sql = f"""
        WITH src AS (
            SELECT p.user_id AS profile_id,
                   setweight(to_tsvector(%s::regconfig, coalesce(s.names, '')), 'A')
                || setweight(to_tsvector(%s::regconfig, p.title), 'B') AS head,
                   setweight(to_tsvector(%s::regconfig, p.overview), 'C') AS body,
                   (u.is_active AND u.role = %s) AS searchable,
                   p.availability, p.hourly_rate, p.rate_currency,
                   coalesce(s.skill_ids, '{{}}'::bigint[]) AS skill_ids
            FROM {profile} p
            JOIN {user} u ON u.id = p.user_id
            {skills_join}
            {where}
        ), heads AS (
            INSERT INTO {head} (profile_id, head, {columns})
            SELECT profile_id, head, {columns} FROM src
            ON CONFLICT (profile_id) DO UPDATE SET head = EXCLUDED.head, {updates}
        ), stale_words AS (
            -- Words the head no longer has. The upsert below touches only words it has, so the
            -- two parts of this one statement never change the same row.
            DELETE FROM {term} t USING src
            WHERE t.profile_id = src.profile_id
              AND NOT t.lexeme = ANY (tsvector_to_array(src.head))
        ), words AS (
            INSERT INTO {term} (profile_id, lexeme, rank)
            SELECT src.profile_id, w.lexeme, ts_rank(src.head, {WORD_AS_TSQUERY.format("w.lexeme")})
            FROM src, unnest(src.head) w
            ON CONFLICT (profile_id, lexeme) DO UPDATE SET rank = EXCLUDED.rank
        )
        INSERT INTO {doc} (profile_id, vector, head, {columns})
        SELECT profile_id, head || body, head, {columns} FROM src
        ON CONFLICT (profile_id) DO UPDATE
            SET vector = EXCLUDED.vector, head = EXCLUDED.head, {updates}
    """  # noqa: S608 - table names come from model metadata, values are parameters
    return sql, params


def search_documents_refresh(*, profile_ids: Iterable[int] | None = None, connection=None) -> None:
    """Rebuild the search rows of these profiles (all when None). A no-op off PostgreSQL."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return
    if profile_ids is not None:
        profile_ids = list(profile_ids)
        if not profile_ids:
            return
    sql, params = refresh_sql(profile_ids=profile_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# A word in a tsquery as PostgreSQL prints it: 'word', quotes doubled, backslashes escaped.
WORD = r"'(?:[^'\\]|''|\\.)*'"
WORDS_OR_WORDS = re.compile(rf"{WORD}(?: \| {WORD})*")
MAX_OR_WORDS = 4  # "a or b or c or d": each pair of words is one more index condition


def or_words(tsquery: str) -> list[str] | None:
    """The words of a tsquery that is one word or words joined by OR, else None."""
    if not WORDS_OR_WORDS.fullmatch(tsquery):
        return None
    words = [
        re.sub(r"\\(.)", r"\1", quoted[1:-1].replace("''", "'"))
        for quoted in re.findall(WORD, tsquery)
    ]
    return list(dict.fromkeys(words))  # ts_rank counts a repeated word once


class TsQuery(Func):
    """A tsquery as PostgreSQL printed it, used as it is: not parsed or stemmed again."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()

    def __init__(self, text: str):
        super().__init__(Value(text))

    @staticmethod
    def quote(word: str) -> str:
        """A word as a tsquery prints it: in quotes, quotes and backslashes doubled."""
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class Matches(Func):
    """vector @@ tsquery, as a condition (the lookup would wrap the query in plainto_tsquery)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Tier(NamedTuple):
    """A tier read in more than one way, each cheapest in its case (see SearchResults)."""

    ranked: QuerySet  # every match, in order: what a short tier reads, and what EXPLAIN shows
    walk: Callable[[int], QuerySet] | None = None  # the same order up to a row, from an index
    counted: QuerySet | None = None  # the same matches, cheaper to count


def _skill_filter_ids(skills: Iterable[str]) -> list[int]:
    """The ids of the skills a search is filtered by; 0 stands for one nobody has."""
    wanted = {normalize_skill(name) for name in skills} - {""}
    ids = list(Skill.objects.filter(normalized__in=wanted).values_list("pk", flat=True))
    if len(ids) < len(wanted):
        ids.append(0)  # a skill nobody has: nothing can match every one asked for
    return ids


class ParsedQuery(NamedTuple):
    """A keyword query as PostgreSQL reads it, with what the tiers need to know of it."""

    query: SearchQuery  # what a match must satisfy
    rank_query: TsQuery  # what ranks: the query without its excluded words
    words: list[str] | None  # one word, or up to MAX_OR_WORDS joined by OR: a walkable query
    exact_id: int | None  # the skill whose name is the whole query, if any


def parse_query(q: str) -> ParsedQuery | None:
    """The query as PostgreSQL reads it, in one round trip; None for stop words only ("the").

    Ranks use the query without its excluded words ("django -wordpress" ranks by "django"):
    ts_rank gives every match of a query with a NOT in it the same rank, 1e-20.
    """
    # The query as PostgreSQL reads it, its part without NOTs (querytree: 'T' when nothing is
    # left), and the skill it names, if any.
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT websearch_to_tsquery(%s::regconfig, %s)::text,"  # noqa: S608 - table name
            f" querytree(websearch_to_tsquery(%s::regconfig, %s)),"  # from model metadata
            f" (SELECT id FROM {Skill._meta.db_table} WHERE normalized = %s"
            f"  ORDER BY name LIMIT 1)",
            [SEARCH_CONFIG, q, SEARCH_CONFIG, q, normalize_skill(q.replace('"', " "))],
        )
        tsquery, positive, exact_id = cursor.fetchone()
    if not tsquery:
        return None  # only stop words: nothing to look for
    if not positive or positive == "T":
        positive = tsquery
    words = or_words(positive) if exact_id is None else None
    if words and len(words) > MAX_OR_WORDS:
        words = None
    return ParsedQuery(
        query=SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG),
        rank_query=TsQuery(positive),
        words=words,
        exact_id=exact_id,
    )


@dataclass(frozen=True)
class Filters:
    """What a search keeps besides the words: the copies on the search rows it compares."""

    skill_ids: list[int]
    rate_min: Decimal | None
    rate_max: Decimal | None
    currency: str
    availability: list[str]

    def apply(self, queryset: QuerySet) -> QuerySet:
        queryset = queryset.filter(searchable=True)
        if self.skill_ids:
            queryset = queryset.filter(skill_ids__contains=self.skill_ids)
        if self.rate_min is not None or self.rate_max is not None:
            queryset = queryset.filter(rate_currency=self.currency or DEFAULT_CURRENCY)
            if self.rate_min is not None:
                queryset = queryset.filter(hourly_rate__gte=self.rate_min)
            if self.rate_max is not None:
                queryset = queryset.filter(hourly_rate__lte=self.rate_max)
        if self.availability:
            queryset = queryset.filter(availability__in=self.availability)
        return queryset


@dataclass(frozen=True)
class Tiers:
    """The tiers of one search, as methods that build each one's querysets (see ranked_tiers)."""

    parsed: ParsedQuery
    filters: Filters

    def filtered(self, queryset: QuerySet, *, tier_zero_excluded: bool = True) -> QuerySet:
        queryset = self.filters.apply(queryset)
        exact_id = self.parsed.exact_id
        if exact_id is not None and tier_zero_excluded:  # those are in tier 0
            queryset = queryset.exclude(skill_ids__contains=[exact_id])
        return queryset

    # --- Tier 0: those who list the skill the query names ------------------------------------

    def _listing_in_order(self) -> QuerySet:
        return (
            ProfileSkill.objects.filter(skill_id=self.parsed.exact_id)
            .annotate(rank=Value(1.0, output_field=FloatField()))
            .order_by("position", "profile_id")
            .values_list("profile_id", "rank")
        )

    def listed(self) -> Tier:
        # Those who list it: counted from the heads' skill ids (a GIN index, combined with the
        # filters' bitmaps), and ordered by position, which only ProfileSkill has.
        heads_listing = self.filtered(
            ProfileSearchHead.objects.filter(skill_ids__contains=[self.parsed.exact_id]),
            tier_zero_excluded=False,
        )
        # Few matches (a filter): look up the positions of just those.
        few = self._listing_in_order().filter(profile_id__in=heads_listing.values("profile_id"))
        return Tier(few, walk=self.walk_listed, counted=heads_listing.values_list("profile_id"))

    def walk_listed(self, stop: int) -> QuerySet:
        # Many matches: walk the (skill, position, profile) index in order and check each row
        # with one lookup of its head, until the page is full. A scalar subquery, not EXISTS:
        # PostgreSQL would turn EXISTS into a hash join over the whole head table.
        eligible = self.filtered(
            ProfileSearchHead.objects.filter(profile_id=OuterRef("profile_id")),
            tier_zero_excluded=False,
        ).values("searchable")[:1]
        return self._listing_in_order().alias(eligible=Subquery(eligible)).filter(eligible=True)

    # --- Tier 1: skills or title match every word --------------------------------------------

    def heads(self) -> QuerySet | Tier:
        ranked = (
            self.filtered(ProfileSearchHead.objects.filter(head=self.parsed.query))
            .annotate(rank=SearchRank(F("head"), self.parsed.rank_query))
            .order_by("-rank", "profile_id")
            .values_list("profile_id", "rank")
        )
        if not self.parsed.words:
            return ranked
        return Tier(ranked, walk=self.walk_heads)

    def walk_heads(self, stop: int) -> QuerySet:
        """The first `stop` rows of tier 1, in its order, for a query of one word or words
        joined by OR, read through ProfileSearchTerm's (word, rank, profile) index.

        A word's stored rank is ts_rank(head, 'word'), so for one word the index order is the
        tier's order. ts_rank ranks "a or b" by the sum of each word's rank over the number of
        words. So the first `stop` rows are among: the first `stop` of each word, and every
        match with two of the words or more. Any other match has one word only and `stop` rows
        of that word's walk rank at least as high; with ties, those come first by profile id.
        Each row is checked against the whole query and the filters by one lookup of its head
        (as in tier 0), which also gives its rank for the whole query.
        """
        query, words = self.parsed.query, self.parsed.words
        own_head = ProfileSearchHead.objects.filter(profile_id=OuterRef("profile_id"), head=query)
        if len(words) == 1:
            eligible = self.filtered(own_head).values("searchable")[:1]
            return (
                ProfileSearchTerm.objects.filter(lexeme=words[0])
                .alias(eligible=Subquery(eligible))
                .filter(eligible=True)
                .order_by("-rank", "profile_id")
                .values_list("profile_id", "rank")
            )
        query_rank = (
            self.filtered(own_head)
            .annotate(query_rank=SearchRank(F("head"), self.parsed.rank_query))
            .values("query_rank")[:1]
        )
        firsts = [
            ProfileSearchTerm.objects.filter(lexeme=word)
            .annotate(query_rank=Subquery(query_rank, output_field=FloatField()))
            .filter(query_rank__isnull=False)
            .order_by("-rank", "profile_id")
            .values_list("profile_id", "query_rank")[:stop]
            for word in words
        ]
        quoted = [TsQuery.quote(word) for word in words]
        pairs = " | ".join(f"( {a} & {b} )" for a, b in combinations(quoted, 2))
        several = (
            self.filtered(ProfileSearchHead.objects.filter(head=query))
            .filter(Matches(F("head"), TsQuery(pairs)))
            .annotate(query_rank=SearchRank(F("head"), self.parsed.rank_query))
            .values_list("profile_id", "query_rank")
        )
        # UNION, not UNION ALL: a row found twice has the same id and rank both times.
        return firsts[0].union(*firsts[1:], several).order_by("-query_rank", "profile_id")

    # --- Tier 2: only the overview matches ---------------------------------------------------

    def overview_only(self) -> QuerySet:
        return (
            self.filtered(ProfileSearchDocument.objects.filter(vector=self.parsed.query))
            .exclude(head=self.parsed.query)
            .annotate(rank=SearchRank(F("vector"), self.parsed.rank_query))
            .order_by("-rank", "profile_id")
            .values_list("profile_id", "rank")
        )


def ranked_tiers(
    *,
    q: str,
    skills: Iterable[str] = (),
    rate_min=None,
    rate_max=None,
    currency: str = "",
    availability: Iterable[str] = (),
) -> list:
    """The tiers of a keyword search, each a queryset of (profile_id, rank), best first.

    Returned as functions that build the querysets, so a search builds only what it uses.

    0. When the whole query is a skill's name ("python", "react native"): the profiles that
       list it, those who list it first first. Read through an index in that order, so even a
       skill a quarter of all profiles list costs a few milliseconds.
    1. Profiles whose skills or title contain every word, by ts_rank on that text. For one
       word, or words joined by OR, also readable in that order from the words' stored ranks.
    2. Profiles that match only thanks to their overview, by ts_rank on the full text.
    """
    filters = Filters(
        skill_ids=_skill_filter_ids(skills),
        rate_min=rate_min,
        rate_max=rate_max,
        currency=currency,
        availability=list(availability),
    )
    parsed = parse_query(q)
    if parsed is None:
        return []
    tiers = Tiers(parsed, filters)
    # Built lazily by SearchResults: a broad skill fills the page and the count from tier 0.
    return ([tiers.listed] if parsed.exact_id is not None else []) + [
        tiers.heads,
        tiers.overview_only,
    ]
