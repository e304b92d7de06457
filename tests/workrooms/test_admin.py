"""Staff find workrooms, files (with their versions), deadlines and calls."""

import pytest

from tests.factories import UserFactory
from workrooms import services

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(role="", is_staff=True, is_superuser=True, name="Ada Admin")
    client.force_login(staff)
    return client


@pytest.fixture
def filled(room, client_user, freelancer_user, later):
    version = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    services.file_share(workroom=room, by=client_user, uploaded_file=upload(content=b"v2"))
    deadline = services.deadline_set(workroom=room, by=client_user, title="Design", due_at=later)
    call = services.call_propose(
        workroom=room, by=client_user, starts_at=later, duration_minutes=30, agenda="Kickoff"
    )
    return {"file": version.shared_file, "deadline": deadline, "call": call}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/workrooms/workroom/?q=website",
        "/admin/workrooms/workroom/?status__exact=active",
        "/admin/workrooms/sharedfile/?q=brief",
        "/admin/workrooms/sharedfile/?deleted_at__isempty=1",
        "/admin/workrooms/deadline/?q=design&status__exact=pending",
        "/admin/workrooms/call/?q=kickoff&status__exact=proposed",
        "/admin/workrooms/activity/?kind__exact=file.shared",
        "/admin/workrooms/reminder/",
    ],
)
def test_lists_search_and_filter(staff_client, filled, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    assert "0 results" not in response.content.decode() or "reminder" in path


def test_change_pages_open_with_versions_inline(staff_client, room, filled):
    page = staff_client.get(f"/admin/workrooms/sharedfile/{filled['file'].pk}/change/")
    assert page.status_code == 200 and page.content.decode().count("sha256") >= 1
    for path in (
        f"/admin/workrooms/workroom/{room.pk}/change/",
        f"/admin/workrooms/deadline/{filled['deadline'].pk}/change/",
        f"/admin/workrooms/call/{filled['call'].pk}/change/",
    ):
        assert staff_client.get(path).status_code == 200, path
