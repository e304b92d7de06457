"""Staff find users and profiles, edit skills and profiles, and deactivate accounts."""

import pytest

from profiles import services
from profiles.models import Skill, User
from tests.factories import UserFactory
from tests.profiles.conftest import fill_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(role="", is_staff=True, is_superuser=True, name="Ada Admin")
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/profiles/user/?q=sam",
        "/admin/profiles/user/?role__exact=freelancer&is_active__exact=1",
        "/admin/profiles/profile/?q=django",
        "/admin/profiles/profile/?availability__exact=full_time&user__role__exact=freelancer",
        "/admin/profiles/skill/?q=djan",
        "/admin/profiles/responsetimerecord/",
    ],
)
def test_lists_search_and_filter(staff_client, freelancer_user, path):
    fill_profile(freelancer_user, title="Django developer", skills=["Django"])
    response = staff_client.get(path)
    assert response.status_code == 200


def test_change_pages_open(staff_client, freelancer_user):
    fill_profile(freelancer_user, skills=["Django"])
    services.work_sample_create(profile=freelancer_user.profile, title="Site", description="x")
    assert staff_client.get(f"/admin/profiles/user/{freelancer_user.pk}/change/").status_code == 200
    page = staff_client.get(f"/admin/profiles/profile/{freelancer_user.pk}/change/")
    assert page.status_code == 200
    assert b"Site" in page.content  # the work sample inline


def test_staff_deactivate_a_user(staff_client, freelancer_user):
    response = staff_client.post(
        "/admin/profiles/user/",
        {"action": "deactivate", "_selected_action": [freelancer_user.pk]},
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=freelancer_user.pk).is_active
    assert staff_client.get(f"/u/{freelancer_user.handle}/").status_code == 404


def test_renaming_a_skill_keeps_one_per_name(staff_client):
    skill = services.skill_get_or_create(name="Javascript")
    services.skill_get_or_create(name="TypeScript")

    response = staff_client.post(
        f"/admin/profiles/skill/{skill.pk}/change/", {"name": "typescript"}
    )
    assert response.status_code == 200  # the form comes back with an error
    assert b"Another skill already has this name" in response.content

    staff_client.post(f"/admin/profiles/skill/{skill.pk}/change/", {"name": "JavaScript (ES2023)"})
    assert Skill.objects.get(pk=skill.pk).name == "JavaScript (ES2023)"
