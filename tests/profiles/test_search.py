"""Freelancer search: ranking, filters, empty states, query counts; on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles import selectors
from profiles.models import ProfileSearchDocument, ProfileSearchHead, ProfileSearchTerm
from tests.factories import UserFactory
from tests.profiles.conftest import fill_profile

pytestmark = pytest.mark.django_db


def freelancer(name, **profile):
    user = UserFactory(role="freelancer", name=name)
    fill_profile(user, **profile)
    return user


def names(queryset):
    return [profile.user.name for profile in queryset]


@pytest.fixture
def people():
    return {
        # Lists Django as a skill; says little else about it.
        "skill": freelancer(
            "Skill Holder",
            title="Backend developer",
            overview="I build APIs for startups.",
            skills=["Django", "PostgreSQL"],
            hourly_rate="80",
            availability="full_time",
        ),
        # Mentions Django in passing, several times, in the overview only.
        "mention": freelancer(
            "Passing Mention",
            title="Frontend developer",
            overview="I once worked next to a django team. The django project was fun; "
            "django people are nice.",
            skills=["React", "CSS"],
            hourly_rate="60",
            availability="part_time",
        ),
        "title": freelancer(
            "Title Person",
            title="Django consultant",
            overview="Consulting on web apps.",
            skills=["Python"],
            hourly_rate="120",
            rate_currency="EUR",
            availability="full_time",
        ),
        "designer": freelancer(
            "Brand Designer",
            title="Brand identity designer",
            overview="Logos and visual identities.",
            skills=["Brand identity", "Logo design"],
            hourly_rate="70",
            availability="not_available",
        ),
    }


def search(**criteria):
    return list(selectors.freelancer_search(**criteria))


def ranked_tiers_for(q, **criteria):
    from profiles.search import ranked_tiers

    return ranked_tiers(q=q, **criteria)


class TestRanking:
    """Runs on whatever database the session uses: SQLite locally, PostgreSQL in CI."""

    def test_exact_skill_match_outranks_a_passing_mention(self, people):
        ranked = names(search(q="django"))
        assert ranked.index("Skill Holder") < ranked.index("Passing Mention")
        assert ranked.index("Title Person") < ranked.index("Passing Mention")
        assert "Brand Designer" not in ranked

    def test_every_word_must_match_somewhere(self, people):
        assert names(search(q="django postgresql")) == ["Skill Holder"]

    def test_case_and_spacing_do_not_matter(self, people):
        assert set(names(search(q="  DJANGO "))) == set(names(search(q="django")))

    def test_multi_word_skill(self, people):
        assert names(search(q="brand identity")) == ["Brand Designer"]

    @pytest.mark.parametrize(
        "q", ["xqzvtw", "!!!", "'; DROP TABLE profiles_profile; --", "a" * 500]
    )
    def test_nonsense_finds_nothing_and_never_fails(self, people, q):
        assert search(q=q) == []

    def test_clients_and_deactivated_people_are_never_found(self, people):
        client = UserFactory(role="client", name="Client Django")
        fill_profile(client, title="Hiring Django developers", overview="django django")
        people["skill"].is_active = False
        people["skill"].save()

        found = names(search(q="django"))
        assert "Client Django" not in found
        assert "Skill Holder" not in found


class TestFilters:
    def test_skills_filter_needs_all_of_them(self, people):
        assert names(search(skills=["django"])) == ["Skill Holder"]
        assert names(search(skills=["Django", "React"])) == []

    def test_rate_range_in_one_currency(self, people):
        found = set(names(search(rate_min=Decimal("65"), rate_max=Decimal("100"), currency="USD")))
        assert found == {"Skill Holder", "Brand Designer"}
        assert names(search(rate_min=Decimal("100"), currency="EUR")) == ["Title Person"]

    def test_availability(self, people):
        found = set(names(search(availability=["full_time"])))
        assert found == {"Skill Holder", "Title Person"}

    def test_filters_and_keywords_together(self, people):
        assert names(search(q="developer", availability=["part_time"])) == ["Passing Mention"]


class TestSearchPage:
    def test_empty_query_shows_a_helpful_start(self, signed_in, client_user, people):
        response = signed_in(client_user).get("/freelancers/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "Who are you looking for?" in page
        assert "?skill=Django" in page  # popular skills to start from

    def test_nonsense_query_shows_an_empty_state(self, signed_in, client_user, people):
        response = signed_in(client_user).get("/freelancers/?q=xqzvtw")
        assert response.status_code == 200
        assert "No freelancers match “xqzvtw”" in response.content.decode()

    def test_results_are_cards_with_what_a_client_needs(self, signed_in, client_user, people):
        page = signed_in(client_user).get("/freelancers/?q=django").content.decode()
        assert "freelancer" in page and "Skill Holder" in page
        assert "$80/h" in page and "Full-time" in page
        assert 'class="chip chip--match"' in page  # the matching skill is highlighted
        assert f'href="/u/{people["skill"].handle}/"' in page

    def test_bad_filter_values_are_explained_not_fatal(self, signed_in, client_user, people):
        response = signed_in(client_user).get(
            "/freelancers/?q=django&rate_min=abc&rate_max=-5&page=zzz"
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Enter the rate as a number" in page and "Enter a rate above 0." in page
        assert "Skill Holder" in page  # the valid part of the search still runs

    def test_pagination_keeps_the_query(self, signed_in, client_user):
        for n in range(23):
            freelancer(f"Pythonista {n:02d}", skills=["Python"])
        page_one = signed_in(client_user).get("/freelancers/?q=python").content.decode()
        assert "Page 1 of 2" in page_one
        assert "?q=python&amp;page=2" in page_one
        page_two = signed_in(client_user).get("/freelancers/?q=python&page=2")
        assert len(page_two.context["page"].object_list) == 3

    def test_query_count_is_the_same_for_1_and_25_results(
        self, signed_in, client_user, django_assert_num_queries
    ):
        freelancer("Person 0", title="Django developer", skills=["Django", "Python", "SQL"])
        client = signed_in(client_user)
        client.get("/freelancers/?q=django")  # warm the timezone and popular-skills caches
        with CaptureQueriesContext(connection) as one:
            assert len(client.get("/freelancers/?q=django").context["page"].object_list) == 1
        # Search itself: the skill lookup, a count per tier, the page of ids, the profiles and
        # their skills; none of it per result.
        searching = [
            q
            for q in one.captured_queries
            if "profiles_" in q["sql"] and '"profiles_user"."password"' not in q["sql"]
        ]
        assert len(searching) <= 8

        for n in range(1, 25):
            freelancer(f"Person {n}", title="Django developer", skills=["Django", "Python", "SQL"])
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get("/freelancers/?q=django")
        assert response.context["page"].paginator.count == 25
        assert len(response.context["page"].object_list) == 20

    def test_counts_stop_at_the_cap(self, signed_in, client_user, monkeypatch):
        for n in range(4):
            freelancer(f"Pythonista {n}", skills=["Python"])
        monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
        results = selectors.SearchResults(selectors.freelancer_search(q="python").tiers, cap=3)
        assert results.count() == 3 and results.capped
        assert len(list(results)) == 3


@pytest.mark.postgres
class TestPostgreSQL:
    def test_documents_follow_profile_changes(self, people):
        person = people["designer"]
        assert ProfileSearchDocument.objects.filter(profile_id=person.pk).exists()
        assert ProfileSearchHead.objects.filter(profile_id=person.pk).exists()
        assert names(search(q="typography")) == []

        fill_profile(person, skills=["Typography"])

        assert names(search(q="typography")) == ["Brand Designer"]

    def test_stemming_finds_related_words(self, people):
        assert "Brand Designer" in names(search(q="designs"))

    def test_weights_rank_skill_over_title_over_overview(self, people):
        ranked = names(search(q="django"))
        assert ranked == ["Skill Holder", "Title Person", "Passing Mention"]

    def test_websearch_syntax(self, people):
        assert "Passing Mention" not in names(search(q="django -react"))
        assert names(search(q='"brand identity"')) == ["Brand Designer"]

    def test_the_gin_indexes_exist_and_are_used(self, people):
        with connection.cursor() as cursor:
            for index in ("profile_search_vector_gin", "profile_search_head_gin"):
                cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
                assert "USING gin" in cursor.fetchone()[0]
            # Four rows would be scanned in full; tell the planner to act as with many.
            cursor.execute("SET LOCAL enable_seqscan = off")
        heads, overview_only = selectors.freelancer_search(q="django developer").tiers
        assert "profile_search_head_gin" in heads[:20].explain()
        assert "profile_search_vector_gin" in overview_only[:20].explain()

    def test_deleting_a_user_deletes_their_search_rows(self, people):
        person = people["designer"]
        assert ProfileSearchTerm.objects.filter(profile_id=person.pk).exists()
        person.delete()
        assert not ProfileSearchDocument.objects.filter(profile_id=person.pk).exists()
        assert not ProfileSearchHead.objects.filter(profile_id=person.pk).exists()
        assert not ProfileSearchTerm.objects.filter(profile_id=person.pk).exists()

    def test_skill_then_title_then_overview(self, people):
        listed, heads, overview_only = selectors.freelancer_search(q="django").tiers
        assert [pk for pk, _ in listed] == [people["skill"].pk]
        assert [pk for pk, _ in heads] == [people["title"].pk]
        assert [pk for pk, _ in overview_only] == [people["mention"].pk]

    def test_an_exact_skill_lists_those_who_list_it_first_first(self):
        second = freelancer("Second", skills=["Go", "Rust"])
        first = freelancer("First", skills=["Rust", "Go"])
        assert [p.pk for p in search(q="rust")] == [first.pk, second.pk]

    def test_exact_skill_tier_respects_filters(self, people):
        assert names(search(q="django", availability=["part_time"])) == ["Passing Mention"]
        assert names(search(q="django", rate_max=Decimal("70"), currency="USD")) == [
            "Passing Mention"
        ]

    def test_an_excluded_word_does_not_flatten_the_ranking(self):
        # ts_rank gives every match of "django & !wordpress" the same 1e-20; ranks come from
        # the query without its NOTs, so the listed skill still beats the title mention.
        title = freelancer("Title First", title="Django consultant", skills=["Python"])
        skill = freelancer("Skill Second", title="Backend developer", skills=["Django"])
        freelancer("Excluded", title="Django developer", skills=["Django", "WordPress"])
        assert [p.pk for p in search(q="django -wordpress")] == [skill.pk, title.pk]

    def test_only_stop_words_find_nothing_without_searching(self, people):
        with CaptureQueriesContext(connection) as queries:
            assert search(q="the") == []
        assert not any("profiles_profilesearch" in q["sql"] for q in queries.captured_queries)

    def test_words_and_their_ranks_follow_profile_changes(self, people):
        person = people["title"]

        def words():
            return dict(
                ProfileSearchTerm.objects.filter(profile_id=person.pk).values_list("lexeme", "rank")
            )

        assert {"django", "consult", "python"} <= set(words())
        fill_profile(person, title="Python consultant")
        assert "django" not in words()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ts_rank(head, 'python'::tsquery) FROM profiles_profilesearchhead"
                " WHERE profile_id = %s",
                [person.pk],
            )
            assert words()["python"] == pytest.approx(cursor.fetchone()[0], rel=1e-6)

    @pytest.mark.parametrize(
        "q",
        [
            "designer",
            "developer",
            "lead",
            "django -react",
            "lead or designer",
            "designer or developer or django",
        ],
    )
    def test_walking_the_stored_ranks_gives_the_ranked_order(self, people, q):
        for n, (title, skills) in enumerate(
            [
                ("Lead designer: UX design and design systems", ["UX design", "Design systems"]),
                ("Designer", ["Figma"]),
                ("Lead developer", ["Django"]),
                ("Developer and designer", ["Product design"]),
                ("Web developer, lead developer", ["React"]),
                ("Django developer", ["Python"]),
            ]
        ):
            freelancer(f"Person {n}", title=title, skills=skills)
        results = selectors.freelancer_search(q=q)
        tier = results.tier(0)
        ranked = list(tier)
        assert len(ranked) >= 3
        # Whatever row the walk must be exact up to, the same profiles in the same order, with
        # the same ranks (one word: a real, read back as a double from the stored ranks).
        for stop in range(1, len(ranked) + 1):
            walk = list(results._walks[0](stop)[:stop])
            assert [pk for pk, _ in walk] == [pk for pk, _ in ranked[:stop]]
            assert [r for _, r in walk] == pytest.approx([r for _, r in ranked[:stop]], rel=1e-6)
        # With a cap below the matches, pages come from the walk, in the ranked order.
        capped = selectors.SearchResults(ranked_tiers_for(q), cap=2)
        assert capped.count() == 2 and capped.capped
        assert [p.pk for p in capped[0:2]] == [pk for pk, _ in ranked[:2]]
        assert 0 in capped._tiers_at_cap

    @pytest.mark.parametrize("filters", [{}, {"availability": ["part_time"]}])
    def test_the_exact_skill_tier_reads_the_same_every_way(self, filters):
        for n in range(7):
            freelancer(
                f"Rustacean {n}",
                skills=(["Go"] * (n % 3) + ["Rust", "Python"])[:3],
                availability=["full_time", "part_time"][n % 2],
            )
        results = selectors.freelancer_search(q="rust", **filters)
        results.count()
        few = list(results.tier(0))
        assert results._counted[0].count() == len(few) >= 3
        assert few == list(results._walks[0](len(few)))
        assert [pk for pk, _ in few] == [p.pk for p in results[0 : len(few)]]
        capped = selectors.SearchResults(ranked_tiers_for("rust", **filters), cap=2)
        assert [p.pk for p in capped[0:2]] == [pk for pk, _ in few[:2]]
        assert 0 in capped._tiers_at_cap

    def test_an_admin_deactivation_leaves_search_at_once(self, people, client):
        from tests.factories import UserFactory as Factory

        staff = Factory(role="", is_staff=True, is_superuser=True)
        client.force_login(staff)
        client.post(
            "/admin/profiles/user/",
            {"action": "deactivate", "_selected_action": [people["skill"].pk]},
        )
        assert not ProfileSearchHead.objects.get(profile_id=people["skill"].pk).searchable
        assert "Skill Holder" not in names(search(q="django"))


@pytest.mark.sqlite
class TestSQLiteFallback:
    def test_no_search_table_on_sqlite(self):
        assert ProfileSearchDocument._meta.db_table not in connection.introspection.table_names()

    def test_fallback_scores(self, people):
        ranked = list(selectors.freelancer_search(q="django"))
        scores = {p.user.name: p.rank for p in ranked}
        # exact skill 8 + skill contains 4 > title 2 > overview 1
        assert scores == {"Skill Holder": 12, "Title Person": 2, "Passing Mention": 1}
