"""One upload pipeline: every upload kind, through its real view, refuses the same bad files the
same way and stores nothing of them; what it stores is under a name the server made."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.exceptions import Invalid, TooLarge
from core.uploads import (
    DISPUTE_EVIDENCE,
    MESSAGE_ATTACHMENT,
    PHOTO,
    WORKROOM_FILE,
    check_upload,
    display_name,
    size_text,
    sniff,
    too_large_message,
)
from disputes.models import Evidence
from messaging.models import Attachment
from tests.core.conftest import KINDS, SVG_WITH_SCRIPT, media_files
from tests.profiles.conftest import HTML_PRETENDING, image_bytes, png_header_only
from workrooms.models import FileVersion

pytestmark = pytest.mark.django_db

EVERY_KIND = pytest.mark.parametrize("target", KINDS, indirect=True)
NOT_AN_IMAGE = "This file isn't a JPEG, PNG or WebP image, whatever its name says."
SPOOFED = "This file's contents don't match its name (.png)"


def assert_nothing_stored(target, settings):
    assert target.stored() == []
    assert media_files(settings) == []


# --- Through the views, for every kind -------------------------------------------------------


@EVERY_KIND
def test_an_html_file_named_png_is_refused(target, settings):
    response = target.post("cute-cat.png", HTML_PRETENDING, "image/png")

    assert response.status_code == 400
    assert (NOT_AN_IMAGE if target.reencodes else SPOOFED) in target.message(response)
    assert_nothing_stored(target, settings)


@EVERY_KIND
def test_an_svg_with_a_script_is_refused_as_an_image(target, settings):
    response = target.post("logo.png", SVG_WITH_SCRIPT, "image/png")

    assert response.status_code == 400
    assert_nothing_stored(target, settings)


@pytest.mark.parametrize("target", ["photo", "work_sample", "dispute_evidence"], indirect=True)
def test_an_svg_under_its_own_name_is_refused_where_files_are_images_or_listed(target, settings):
    response = target.post("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")

    assert response.status_code == 400
    assert_nothing_stored(target, settings)


@pytest.mark.parametrize("target", ["message_attachment", "workroom_file"], indirect=True)
def test_an_svg_kept_as_a_plain_file_is_only_ever_a_download(target, settings):
    response = target.post("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")
    assert response.status_code == 201

    [(name, _)] = target.stored()
    assert name == "logo.svg"
    download = target.client.get(target.download_url())
    assert download["Content-Type"] == "image/svg+xml"
    assert download["Content-Disposition"] == 'attachment; filename="logo.svg"'
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["X-Content-Type-Options"] == "nosniff"
    # No preview either: an SVG is never decoded or shown as an image.
    assert len(media_files(settings)) == 1


@EVERY_KIND
def test_a_decompression_bomb_is_refused_with_a_clear_message(target, settings):
    # 100 000 × 100 000 pixels claimed by a file of a few dozen bytes.
    response = target.post("bomb.png", png_header_only(100_000, 100_000), "image/png")

    assert response.status_code == 400
    assert "This image is too large to open safely (over 24 megapixels)" in target.message(response)
    assert_nothing_stored(target, settings)


@EVERY_KIND
@pytest.mark.parametrize(
    "sent, shown", [("../../etc/passwd.png", "passwd.png"), ("a/b\\c.png", "c.png")]
)
def test_a_traversal_name_never_reaches_storage(target, sent, shown, settings):
    response = target.post(sent, image_bytes("PNG"), "image/png")

    assert response.status_code in (200, 201, 302), target.message(response)
    [(name, stored)] = target.stored()
    path = Path(stored.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert re.fullmatch(r"[0-9a-f]{32}(\.webp)?", path.name)
    assert name == (None if target.reencodes else shown)
    assert not [p for p in media_files(settings) if "passwd" in str(p) or p.name == "c.png"]


@EVERY_KIND
def test_an_oversized_file_gets_the_one_message_and_nothing_is_stored(target, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 4096
    response = target.post("big.png", image_bytes("PNG") + b"\0" * 10_000, "image/png")

    assert response.status_code in (400, 413)
    assert "Files may be at most 4 KB." in target.message(response)
    assert_nothing_stored(target, settings)


@EVERY_KIND
def test_a_body_declared_far_over_the_cap_is_refused_before_it_is_read(target, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 4096
    response = target.post("huge.png", image_bytes("PNG") + b"\0" * 100_000, "image/png")

    assert response.status_code == 413
    assert "Files may be at most 4 KB. Nothing was stored." in target.message(response)
    assert_nothing_stored(target, settings)


@pytest.mark.parametrize(
    ("target", "model"),
    [
        ("message_attachment", Attachment),
        ("workroom_file", FileVersion),
        ("dispute_evidence", Evidence),
    ],
    indirect=["target"],
)
def test_a_row_that_fails_to_save_takes_its_stored_files_with_it(
    target, model, settings, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(model, "save", fail)
    with pytest.raises(RuntimeError):
        target.post("screen.png", image_bytes("PNG"), "image/png")
    assert media_files(settings) == []


@EVERY_KIND
def test_a_real_image_is_accepted(target, settings):
    response = target.post("screen.png", image_bytes("PNG"), "image/png")

    assert response.status_code in (200, 201, 302), target.message(response)
    assert len(target.stored()) == 1


# --- The pipeline's rules ------------------------------------------------------------------------


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    "head, family",
    [
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"GIF89a", "gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"%PDF-1.7", "pdf"),
        (b"PK\x03\x04", "zip"),
        (SVG_WITH_SCRIPT, "svg"),
        (b"  <svg onload=alert(1)>", "svg"),
        (b"<!-- made by hand --><svg></svg>", "svg"),
        (HTML_PRETENDING, "html"),
        (b"\xef\xbb\xbf<script>alert(1)</script>", "html"),
        (b"<?xml version='1.0'?><note/>", "xml"),
        (b"Invoice 42, due 1 Nov.\n", "text"),
        (b"Caf\xe9;1,50\n", "text"),  # a Windows-1252 CSV is still text
        (b"<3 the new logo", "text"),
        (b"MZ\x90\x00\x03\x00", "binary"),
    ],
)
def test_the_first_bytes_decide_what_a_file_is(head, family):
    assert sniff(head) == family


def test_the_content_type_comes_from_the_bytes_not_the_browser():
    checked = check_upload(upload("report.pdf", b"%PDF-1.7 ...", "text/html"), WORKROOM_FILE)

    assert checked.content_type == "application/pdf"
    # An unknown name keeps the type its bytes have.
    plain = check_upload(upload("notes.md", b"# Notes\n", "text/html"), MESSAGE_ATTACHMENT)
    assert plain.content_type == "text/plain"


@pytest.mark.parametrize(
    "name, data, claimed",
    [
        ("notes.txt", HTML_PRETENDING, "text/plain"),  # HTML is not text, whatever its name
        ("notes.txt", b"<svg onload=x>", "image/png"),
        ("report.docx", b"%PDF-1.7", "application/msword"),
        ("shot", b"plain words", "image/png"),  # the browser calls it an image: it is not
    ],
)
def test_a_name_or_claim_that_disagrees_with_the_bytes_is_refused(name, data, claimed):
    with pytest.raises(Invalid) as refused:
        check_upload(upload(name, data, claimed), WORKROOM_FILE)

    assert refused.value.extra["reason"] == "spoofed"


def test_evidence_takes_only_its_listed_types():
    with pytest.raises(Invalid) as refused:
        check_upload(upload("run.exe", b"MZ\x90\x00"), DISPUTE_EVIDENCE)

    assert refused.value.extra["reason"] == "type"
    assert refused.value.detail.startswith("Files of this type (.exe) can't be added here.")


def test_a_file_kept_as_it_is_gets_a_webp_preview_and_its_own_hash():
    data = image_bytes("PNG", size=(1200, 900))
    checked = check_upload(upload("mock.png", data, "image/png"), WORKROOM_FILE)

    assert checked.content.read() == data  # the file itself is kept byte for byte
    with Image.open(BytesIO(checked.preview)) as preview:
        assert preview.format == "WEBP" and max(preview.size) == 480
    assert len(checked.sha256) == 64


def test_a_damaged_image_is_refused_even_where_it_is_only_a_file():
    data = image_bytes("JPEG", size=(800, 800))

    with pytest.raises(Invalid) as refused:
        check_upload(upload("shot.jpg", data[: len(data) // 3], "image/jpeg"), MESSAGE_ATTACHMENT)

    assert refused.value.extra["reason"] == "damaged"


def test_a_file_larger_than_it_claimed_is_still_refused(settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1024
    lying = upload("notes.txt", b"x" * 5000)
    lying.size = 10

    with pytest.raises(TooLarge, match="Files may be at most 1 KB."):
        check_upload(lying, WORKROOM_FILE)


@pytest.mark.parametrize(
    "sent, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("a/b\\c.png", "c.png"),
        ("C:\\Users\\sam\\brief.pdf", "brief.pdf"),
        ("..", "file"),
        ("", "file"),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # a right-to-left override is not shown
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_display_names_are_sanitised(sent, shown):
    assert display_name(sent) == shown


def test_one_wording_for_size(settings):
    settings.FILE_UPLOAD_MAX_SIZE = 25 * 1024 * 1024
    assert too_large_message(WORKROOM_FILE.max_bytes) == "Files may be at most 25 MB."
    assert too_large_message(PHOTO.max_bytes) == "Files may be at most 5 MB."
    assert [size_text(n) for n in (2_621_440, 4096, 900)] == ["2.5 MB", "4 KB", "900 bytes"]
