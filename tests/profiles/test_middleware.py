"""The signed-in user's timezone is active for the whole request, for no extra query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from profiles.middleware import TimezoneMiddleware
from profiles.services import timezone_cache_key
from tests.profiles.conftest import fill_profile

pytestmark = pytest.mark.django_db


def zone_during_request(user) -> str:
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return "response"

    request = RequestFactory().get("/")
    request.user = user
    assert TimezoneMiddleware(view)(request) == "response"
    return seen["zone"]


def test_the_users_zone_is_active_and_released_after(freelancer_user):
    fill_profile(freelancer_user, timezone="America/Sao_Paulo")
    cache.clear()

    assert zone_during_request(freelancer_user) == "America/Sao_Paulo"
    assert timezone.get_current_timezone_name() == "UTC"


def test_anonymous_and_unset_are_utc(freelancer_user):
    assert zone_during_request(AnonymousUser()) == "UTC"
    assert zone_during_request(freelancer_user) == "UTC"


def test_one_query_on_a_cache_miss_then_none(freelancer_user, django_assert_num_queries):
    fill_profile(freelancer_user, timezone="Asia/Tokyo")
    cache.delete(timezone_cache_key(freelancer_user.pk))

    with django_assert_num_queries(1):
        assert zone_during_request(freelancer_user) == "Asia/Tokyo"
    with django_assert_num_queries(0):
        assert zone_during_request(freelancer_user) == "Asia/Tokyo"


def test_a_change_takes_effect_on_the_next_request(
    freelancer_user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    fill_profile(freelancer_user, timezone="Asia/Tokyo")
    zone_during_request(freelancer_user)  # cached

    with django_capture_on_commit_callbacks(execute=True):
        fill_profile(freelancer_user, timezone="Europe/Berlin")

    with django_assert_num_queries(0):
        assert zone_during_request(freelancer_user) == "Europe/Berlin"


def test_nothing_leaks_out_of_a_real_request(client, freelancer_user):
    fill_profile(freelancer_user, timezone="Asia/Kolkata")
    client.force_login(freelancer_user)

    response = client.get("/profile/edit/")

    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks out of the request


def test_the_middleware_is_installed_after_authentication(settings):
    order = settings.MIDDLEWARE
    auth = order.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert order[auth + 1] == "profiles.middleware.TimezoneMiddleware"
