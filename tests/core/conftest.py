"""The five upload kinds reached through their real views.

A `Target` posts one file the way a browser does (a raw multipart body, so a name like
`../../etc/passwd.png` arrives exactly as sent), and says what was stored: the rows the kind
writes and the files they point at in the test MEDIA_ROOT.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from disputes.models import Evidence
from messaging import services as messaging
from messaging.models import Attachment
from profiles.models import Profile, WorkSample

# The disputes tests' room (a client and a freelancer), its dispute and a mediator.
from tests.disputes.conftest import dispute, mediator, room  # noqa: F401 (fixtures)
from workrooms.models import FileVersion

BOUNDARY = "tandem-upload-boundary"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes, kind: str):
    """A multipart body with one file, its name sent as given (the test client would strip it)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@dataclass
class Target:
    """One upload kind: where its view is, what it posts, and what it stores."""

    client: Client
    url: str
    file_field: str
    # (display name, or None where only our re-encoded image is kept; the stored file)
    stored: Callable[[], list[tuple[str | None, FieldFile]]]
    reencodes: bool  # photos and samples keep only our WebP
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    download_url: Callable[[], str] | None = None

    def post(self, filename: str, data: bytes, content_type: str = "application/octet-stream"):
        return self.client.post(
            self.url,
            data=multipart(self.fields, self.file_field, filename, data, content_type),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            headers=self.headers,
        )

    @staticmethod
    def message(response) -> str:
        """What the person is told: the JSON body or the page, as text."""
        if response["Content-Type"].startswith("application/json"):
            return json.dumps(response.json(), ensure_ascii=False)
        return html.unescape(response.content.decode())


# Each builder takes the test client and `fixture(name)`, which gives a fixture's value.


def _photo(client, fixture) -> Target:
    client.force_login(fixture("freelancer_user"))
    return Target(
        client,
        url=reverse("profiles:photo_upload"),
        file_field="photo",
        headers={"Accept": "application/json"},
        stored=lambda: [(None, p.photo) for p in Profile.objects.exclude(photo="")],
        reencodes=True,
    )


def _work_sample(client, fixture) -> Target:
    client.force_login(fixture("freelancer_user"))
    return Target(
        client,
        url=reverse("profiles:sample_create"),
        file_field="sample-image",
        fields={
            "sample-title": "Booking platform",
            "sample-description": "Online booking for 14 clinics.",
            "sample-is_public": "on",
        },
        stored=lambda: [(None, s.image) for s in WorkSample.objects.exclude(image="")],
        reencodes=True,
    )


def _message_attachment(client, fixture) -> Target:
    alice, bob = fixture("client_user"), fixture("freelancer_user")
    conversation = messaging.conversation_open_direct(user=alice, other=bob)
    client.force_login(alice)

    def download_url():
        attachment = Attachment.objects.get()
        return reverse("messaging:attachment", args=[conversation.pk, attachment.pk])

    return Target(
        client,
        url=reverse("messaging:attachment_upload", args=[conversation.pk]),
        file_field="file",
        stored=lambda: [(a.name, a.file) for a in Attachment.objects.all()],
        reencodes=False,
        download_url=download_url,
    )


def _workroom_file(client, fixture) -> Target:
    workroom = fixture("room")
    client.force_login(fixture("client_user"))

    def download_url():
        version = FileVersion.objects.get()
        return reverse("workrooms:file_download", args=[workroom.pk, version.shared_file_id])

    return Target(
        client,
        url=reverse("workrooms:file_upload", args=[workroom.pk]),
        file_field="files",
        headers={"X-Requested-With": "fetch"},
        stored=lambda: [
            (v.shared_file.name, v.file) for v in FileVersion.objects.select_related("shared_file")
        ],
        reencodes=False,
        download_url=download_url,
    )


def _dispute_evidence(client, fixture) -> Target:
    opened = fixture("dispute")
    client.force_login(fixture("freelancer_user"))
    return Target(
        client,
        url=reverse("disputes:evidence_upload", args=[opened.pk]),
        file_field="files",
        headers={"X-Requested-With": "fetch"},
        stored=lambda: [(e.name, e.file) for e in Evidence.objects.all()],
        reencodes=False,
    )


TARGETS = {
    "photo": _photo,
    "work_sample": _work_sample,
    "message_attachment": _message_attachment,
    "workroom_file": _workroom_file,
    "dispute_evidence": _dispute_evidence,
}
KINDS = list(TARGETS)


@pytest.fixture
def target(request, client) -> Target:
    """Parametrise indirectly with a name from KINDS."""
    return TARGETS[request.param](client, request.getfixturevalue)
