"""One private-file response: every download and preview, through its real view, sends exactly
the same header set for what it is (an attachment, or one of our own images inline)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.http import content_disposition, private_file_response
from disputes import services as disputes
from messaging import services as messaging
from messaging.payloads import attachment_payload
from profiles import services as profiles
from tests.profiles.conftest import image_bytes
from workrooms import services as workrooms

pytestmark = pytest.mark.django_db

HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cache-Control",
)
ATTACHMENT_CSP = "sandbox; default-src 'none'"
INLINE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
NO_STORE = "private, no-store"
# Profile images: every upload gets a new name, so a name's bytes never change.
IMMUTABLE = "private, max-age=31536000, immutable"
# The admin's own views add never_cache's directives to ours.
ADMIN_NO_STORE = "private, no-store, max-age=0, no-cache, must-revalidate"


def headers(content_type, disposition, csp=ATTACHMENT_CSP, cache=NO_STORE):
    return dict(zip(HEADERS, (content_type, disposition, "nosniff", csp, cache), strict=True))


def png(name="screen.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def text(name="notes.txt", data=b"The brief.\n"):
    return SimpleUploadedFile(name, data, content_type="text/plain")


# Each case stores a file through its service and answers (the viewer, the URL, the headers).


def profile_photo(freelancer_user, **_):
    profile = profiles.profile_set_photo(profile=freelancer_user.profile, upload=png())
    handle = freelancer_user.handle
    expected = headers("image/webp", f'inline; filename="{handle}.webp"', INLINE_CSP, IMMUTABLE)
    return freelancer_user, profile.photo_url, expected


def work_sample_image(freelancer_user, **_):
    sample = profiles.work_sample_create(
        profile=freelancer_user.profile, title="Site", description="A site.", image=png()
    )
    url = reverse(
        "profiles:sample_image", args=[freelancer_user.handle, sample.pk, sample.image_name]
    )
    disposition = f'inline; filename="sample-{sample.pk}.webp"'
    return freelancer_user, url, headers("image/webp", disposition, INLINE_CSP, IMMUTABLE)


def message_attachment(client_user, freelancer_user, **_):
    conversation = messaging.conversation_open_direct(user=client_user, other=freelancer_user)
    attachment = messaging.attachment_upload(
        conversation_id=conversation.pk, uploader=client_user, uploaded_file=text("résumé.txt")
    )
    disposition = "attachment; filename=\"resume.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt"
    return client_user, attachment_payload(attachment)["url"], headers("text/plain", disposition)


def message_attachment_image(client_user, freelancer_user, **_):
    # An image someone sent is their file, not one of ours: downloaded, never shown inline.
    conversation = messaging.conversation_open_direct(user=client_user, other=freelancer_user)
    attachment = messaging.attachment_upload(
        conversation_id=conversation.pk, uploader=client_user, uploaded_file=png("shot.png")
    )
    expected = headers("image/png", 'attachment; filename="shot.png"')
    return client_user, attachment_payload(attachment)["url"], expected


def workroom_file(client_user, room, **_):
    version = workrooms.file_share(workroom=room, by=client_user, uploaded_file=text("brief.txt"))
    url = reverse("workrooms:file_download", args=[room.pk, version.shared_file_id])
    return client_user, url, headers("text/plain", 'attachment; filename="brief.txt"')


def workroom_preview(client_user, room, **_):
    version = workrooms.file_share(workroom=room, by=client_user, uploaded_file=png("mock.png"))
    url = reverse("workrooms:version_preview", args=[room.pk, version.shared_file_id, 1])
    expected = headers("image/webp", 'inline; filename="preview.webp"', INLINE_CSP)
    return client_user, url, expected


def workroom_call_ics(client_user, freelancer_user, room, **_):
    call = workrooms.call_propose(
        workroom=room,
        by=client_user,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=30,
        agenda="Kickoff",
    )
    url = reverse("workrooms:call_ics", args=[room.pk, call.pk])
    return (
        client_user,
        url,
        headers("text/calendar; charset=utf-8", 'attachment; filename="call.ics"'),
    )


def dispute_evidence(freelancer_user, dispute, **_):
    item = disputes.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=text("a.csv"))
    url = reverse("disputes:evidence_download", args=[dispute.pk, item.pk])
    return freelancer_user, url, headers("text/csv", 'attachment; filename="a.csv"')


def dispute_evidence_preview(freelancer_user, dispute, **_):
    item = disputes.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=png())
    url = reverse("disputes:evidence_preview", args=[dispute.pk, item.pk])
    expected = headers("image/webp", 'inline; filename="preview.webp"', INLINE_CSP)
    return freelancer_user, url, expected


def admin_evidence(freelancer_user, dispute, mediator, **_):
    item = disputes.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=png())
    url = reverse("admin:disputes_dispute_evidence_download", args=[dispute.pk, item.pk])
    return (
        mediator,
        url,
        headers("image/png", 'attachment; filename="screen.png"', cache=ADMIN_NO_STORE),
    )


def admin_evidence_preview(freelancer_user, dispute, mediator, **_):
    item = disputes.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=png())
    url = reverse("admin:disputes_dispute_evidence_preview", args=[dispute.pk, item.pk])
    expected = headers("image/webp", 'inline; filename="preview.webp"', INLINE_CSP, ADMIN_NO_STORE)
    return mediator, url, expected


def admin_dossier_export(client_user, dispute, mediator, **_):
    disputes.dispute_escalate(dispute=dispute, by=client_user)
    url = reverse("admin:disputes_dispute_dossier_export", args=[dispute.pk])
    disposition = f'attachment; filename="dispute-{dispute.pk}-dossier.html"'
    return mediator, url, headers("text/html; charset=utf-8", disposition, cache=ADMIN_NO_STORE)


CASES = [
    profile_photo,
    work_sample_image,
    message_attachment,
    message_attachment_image,
    workroom_file,
    workroom_preview,
    workroom_call_ics,
    dispute_evidence,
    dispute_evidence_preview,
    admin_evidence,
    admin_evidence_preview,
    admin_dossier_export,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_every_private_file_sends_the_one_header_set(
    case, client, client_user, freelancer_user, room, dispute, mediator
):
    viewer, url, expected = case(
        client_user=client_user,
        freelancer_user=freelancer_user,
        room=room,
        dispute=dispute,
        mediator=mediator,
    )
    client.force_login(viewer)

    response = client.get(url)

    assert response.status_code == 200
    assert {name: response.get(name) for name in HEADERS} == expected


@pytest.mark.parametrize(
    "name, header",
    [
        ("brief.pdf", 'attachment; filename="brief.pdf"'),
        (
            'say "hi".txt',
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
        ),
        ("日本.pdf", "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf"),
        ("../../etc/passwd", 'attachment; filename=".._.._etc_passwd"'),
        ("x\r\nSet-Cookie: a=b", 'attachment; filename="x__Set-Cookie: a=b"'),
        ("", 'attachment; filename="download"'),
    ],
)
def test_the_filename_is_sanitised_and_rfc_6266_encoded(name, header):
    assert content_disposition(name) == header


def test_only_our_own_images_are_ever_inline():
    with pytest.raises(ValueError):
        private_file_response(
            b"<svg/>", filename="x.svg", content_type="image/svg+xml", inline=True
        )


def test_a_stored_file_that_is_gone_is_not_found(client, client_user, room):
    version = workrooms.file_share(workroom=room, by=client_user, uploaded_file=text("brief.txt"))
    version.file.storage.delete(version.file.name)
    client.force_login(client_user)

    url = reverse("workrooms:file_download", args=[room.pk, version.shared_file_id])
    assert client.get(url).status_code == 404


def test_a_bytes_response_has_the_same_headers():
    response = private_file_response(
        b"BEGIN:VCALENDAR", filename="call.ics", content_type="text/calendar"
    )
    assert response.content == b"BEGIN:VCALENDAR"
    assert {name: response.get(name) for name in HEADERS} == headers(
        "text/calendar", 'attachment; filename="call.ics"'
    )


def test_an_anonymous_request_never_reaches_a_file(client, client_user, room):
    version = workrooms.file_share(workroom=room, by=client_user, uploaded_file=text("brief.txt"))
    url = reverse("workrooms:file_download", args=[room.pk, version.shared_file_id])

    response = client.get(url)

    assert response.status_code == 302 and "Content-Disposition" not in response
