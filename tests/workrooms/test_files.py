import hashlib
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from core import images
from core.exceptions import Invalid, NotAllowed
from workrooms import services
from workrooms.models import Activity, FileVersion, SharedFile

from .conftest import upload

pytestmark = pytest.mark.django_db


def png_bytes(size=(64, 48)):
    out = BytesIO()
    Image.new("RGB", size, (13, 107, 104)).save(out, "PNG")
    return out.getvalue()


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_same_name_adds_a_version_and_keeps_every_one_with_its_hash(
    room, client_user, freelancer_user
):
    first = services.file_share(
        workroom=room, by=client_user, uploaded_file=upload(content=b"v1"), description="Brief"
    )
    second = services.file_share(
        workroom=room, by=freelancer_user, uploaded_file=upload(content=b"version two")
    )
    shared = SharedFile.objects.get()
    assert (first.number, second.number) == (1, 2)
    assert shared.current_version == second and shared.version_count == 2
    assert shared.description == "Brief"
    assert [v.sha256 for v in shared.versions.order_by("number")] == [
        hashlib.sha256(b"v1").hexdigest(),
        hashlib.sha256(b"version two").hexdigest(),
    ]
    assert [v.uploaded_by for v in shared.versions.order_by("number")] == [
        client_user,
        freelancer_user,
    ]
    assert second.file.read() == b"version two"
    assert list(
        Activity.objects.filter(kind__startswith="file").values_list("kind", flat=True)
    ) == [
        "file.version",
        "file.shared",
    ]


def test_a_spoofed_type_is_refused_and_nothing_is_stored(room, client_user, settings):
    with pytest.raises(Invalid, match="don't match its name"):
        services.file_share(
            workroom=room,
            by=client_user,
            uploaded_file=upload("logo.png", b"<html><script>alert(1)</script>", "image/png"),
        )
    with pytest.raises(Invalid, match="don't match"):
        services.file_share(
            workroom=room,
            by=client_user,
            uploaded_file=upload("notes.txt", b"<svg onload=x>", "image/png"),
        )
    assert not FileVersion.objects.exists()
    assert stored_files(settings) == []


def test_an_image_gets_a_thumbnail_once_and_a_bomb_is_refused(
    room, client_user, settings, monkeypatch
):
    version = services.file_share(
        workroom=room, by=client_user, uploaded_file=upload("mock.png", png_bytes(), "image/png")
    )
    assert version.thumbnail
    with Image.open(version.thumbnail) as thumb:
        assert thumb.format == "WEBP"

    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(Invalid, match="too large to open safely"):
        services.file_share(
            workroom=room, by=client_user, uploaded_file=upload("big.png", png_bytes(), "image/png")
        )
    assert FileVersion.objects.count() == 1


def test_only_the_uploader_deletes_and_a_deleted_file_no_longer_downloads(
    client, room, client_user, freelancer_user
):
    version = services.file_share(workroom=room, by=client_user, uploaded_file=upload())
    shared = version.shared_file
    with pytest.raises(NotAllowed):
        services.file_delete(workroom=room, by=freelancer_user, shared_file=shared)
    url = reverse("workrooms:file_download", args=[room.pk, shared.pk])
    client.force_login(freelancer_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="brief.txt"')
    assert response["X-Content-Type-Options"] == "nosniff"

    services.file_delete(workroom=room, by=client_user, shared_file=shared)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("workrooms:version_download", args=[room.pk, shared.pk, 1])).status_code
        == 404
    )
    assert Activity.objects.filter(kind="file.deleted").exists()
    # A new file may take the deleted one's name.
    services.file_share(workroom=room, by=freelancer_user, uploaded_file=upload())
    assert SharedFile.objects.filter(name="brief.txt").count() == 2


def test_upload_view_shares_several_files_and_refuses_one_over_the_cap(
    client, room, client_user, settings
):
    client.force_login(client_user)
    url = reverse("workrooms:file_upload", args=[room.pk])
    response = client.post(
        url,
        {"files": [upload("a.txt", b"a"), upload("b.txt", b"b")], "description": "Two"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 201
    assert sorted(SharedFile.objects.values_list("name", flat=True)) == ["a.txt", "b.txt"]

    settings.FILE_UPLOAD_MAX_SIZE = 1024
    before = stored_files(settings)
    response = client.post(
        url, {"files": [upload("big.txt", b"x" * 5000)]}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 413
    assert "at most" in response.json()["error"]
    assert not SharedFile.objects.filter(name="big.txt").exists()
    assert stored_files(settings) == before


def test_upload_without_javascript_shows_the_error_on_the_form(client, room, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:file_upload", args=[room.pk]),
        {"files": [upload("report.pdf", b"not a pdf")], "description": "Quarterly"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "contents don&#x27;t match its name" in page
    assert 'value="Quarterly"' in page


def test_preview_is_for_members_only(client, room, client_user, stranger):
    version = services.file_share(
        workroom=room, by=client_user, uploaded_file=upload("mock.png", png_bytes(), "image/png")
    )
    url = reverse(
        "workrooms:version_preview", args=[room.pk, version.shared_file_id, version.number]
    )
    client.force_login(client_user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(stranger)
    assert client.get(url).status_code == 404
