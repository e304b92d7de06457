"""Reads of profiles, one module per concern; every name callers use is importable from here.

- profile: one profile's page, its work samples, the owner's timezone and response time;
- completeness: how complete a profile is, and the steps still to do;
- search: freelancer search, its criteria and its results;
- second_factor: whether a staff member must still set up two-factor authentication.
"""

from profiles.selectors.completeness import completeness_for_user
from profiles.selectors.profile import (
    profile_for_owner,
    profile_for_page,
    response_time_summary,
    timezone_for_user,
    work_sample_for_owner,
    work_sample_image_for,
    work_samples_visible,
)
from profiles.selectors.search import (
    SEARCH_COUNT_CAP,
    SearchCriteria,
    SearchResults,
    clean_query,
    freelancer_search,
    popular_skills,
)
from profiles.selectors.second_factor import second_factor_missing

__all__ = [
    "SEARCH_COUNT_CAP",
    "SearchCriteria",
    "SearchResults",
    "clean_query",
    "completeness_for_user",
    "freelancer_search",
    "popular_skills",
    "profile_for_owner",
    "profile_for_page",
    "response_time_summary",
    "second_factor_missing",
    "timezone_for_user",
    "work_sample_for_owner",
    "work_sample_image_for",
    "work_samples_visible",
]
