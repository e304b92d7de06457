"""Full-text documents for freelancer search (PostgreSQL), built by one SQL statement.

Weights: skills A, title B, overview C. With ts_rank's default weights (A 1.0, B 0.4, C 0.2) a
single mention in the skills outranks any number of mentions in the overview, which is what a
client expects: someone who lists "Django" as a skill comes before someone who once used it.
"""

from collections.abc import Iterable

from django.db import connection

from profiles.models import Profile, ProfileSearchDocument, ProfileSkill, Skill

SEARCH_CONFIG = "english"


def refresh_sql(*, profile_ids: Iterable[int] | None) -> tuple[str, list]:
    doc = ProfileSearchDocument._meta.db_table
    profile = Profile._meta.db_table
    link = ProfileSkill._meta.db_table
    skill = Skill._meta.db_table
    where, params = "", [SEARCH_CONFIG, SEARCH_CONFIG, SEARCH_CONFIG]
    if profile_ids is not None:
        where = "WHERE p.user_id = ANY(%s)"
        params.append(list(profile_ids))
    sql = f"""
        INSERT INTO {doc} (profile_id, vector)
        SELECT p.user_id,
               setweight(to_tsvector(%s::regconfig, coalesce(s.names, '')), 'A')
            || setweight(to_tsvector(%s::regconfig, p.title), 'B')
            || setweight(to_tsvector(%s::regconfig, p.overview), 'C')
        FROM {profile} p
        LEFT JOIN LATERAL (
            SELECT string_agg(sk.name, ' , ' ORDER BY ps.position) AS names
            FROM {link} ps JOIN {skill} sk ON sk.id = ps.skill_id
            WHERE ps.profile_id = p.user_id
        ) s ON true
        {where}
        ON CONFLICT (profile_id) DO UPDATE SET vector = EXCLUDED.vector
    """  # noqa: S608 - table names come from model metadata, values are parameters
    return sql, params


def search_documents_refresh(*, profile_ids: Iterable[int] | None = None) -> None:
    """Rebuild the documents of these profiles (all when None). A no-op off PostgreSQL."""
    if connection.vendor != "postgresql":
        return
    if profile_ids is not None:
        profile_ids = list(profile_ids)
        if not profile_ids:
            return
    sql, params = refresh_sql(profile_ids=profile_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
