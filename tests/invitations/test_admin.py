import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    admin = UserFactory(role="", name="Ada Admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/invitations/job/?q=website&status__exact=open",
        "/admin/invitations/invitation/?q=sam&status__exact=pending",
    ],
)
def test_admin_lists_search_and_filter(staff, invitation, url):
    response = staff.get(url)
    assert response.status_code == 200
    assert "Website rebuild" in response.content.decode()


def test_admin_pages_open(staff, invitation):
    assert staff.get(f"/admin/invitations/job/{invitation.job_id}/change/").status_code == 200
    assert staff.get(f"/admin/invitations/invitation/{invitation.pk}/change/").status_code == 200
    assert staff.get("/admin/invitations/invitation/add/").status_code == 403
