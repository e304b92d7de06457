"""The profile's images through core.uploads: what is accepted, what is refused and why."""

from io import BytesIO

import pytest
from PIL import Image

from core.exceptions import ApplicationError
from core.images import make_thumbnail
from core.uploads import PHOTO, WORK_SAMPLE, check_upload
from tests.profiles.conftest import HTML_PRETENDING, image_bytes, png_header_only, upload


def process(data: bytes, kind=PHOTO, name="photo.png"):
    return check_upload(upload(data, name), kind)


def stored(checked) -> bytes:
    return checked.content.read()


def size_of(checked) -> tuple[int, int]:
    with Image.open(BytesIO(stored(checked))) as image:
        return image.size


def error_of(data: bytes, kind=PHOTO, name="photo.png") -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        process(data, kind, name)
    return caught.value


def reason(error: ApplicationError) -> str:
    return error.extra.get("reason", error.code)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_are_re_encoded_as_webp(fmt):
    encoded = process(image_bytes(fmt))

    assert encoded.content_type == "image/webp"
    with Image.open(BytesIO(stored(encoded))) as image:
        assert image.format == "WEBP"
        assert image.size == (400, 300)


def test_large_images_are_scaled_down_within_bounds():
    encoded = process(image_bytes("JPEG", size=(3000, 1500)))

    assert size_of(encoded) == (1024, 512)


def test_photos_lose_transparency_samples_keep_it():
    data = image_bytes("PNG", colour=(10, 20, 30, 0))
    with Image.open(BytesIO(stored(process(data)))) as photo:
        assert photo.mode == "RGB"
    with Image.open(BytesIO(stored(process(data, WORK_SAMPLE)))) as sample:
        assert sample.mode == "RGBA"


def test_metadata_is_not_kept():
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"  # Make
    exif[0x8825] = {1: "N"}  # a GPS block
    data = image_bytes("JPEG", exif=exif.tobytes())

    out = stored(process(data))

    assert b"Secret Camera" not in out
    with Image.open(BytesIO(out)) as image:
        assert not image.getexif()


def test_exif_rotation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    encoded = process(image_bytes("JPEG", size=(400, 200), exif=exif.tobytes()))

    assert size_of(encoded) == (200, 400)


def test_stored_names_are_made_by_the_server():
    encoded = process(image_bytes("PNG"), name="../../etc/passwd.png")

    name = encoded.storage_name
    assert name.startswith("photos/") and name.endswith(".webp")
    assert "passwd" not in name and ".." not in name
    assert process(image_bytes("PNG")).storage_name != name


def test_html_named_png_is_refused():
    error = error_of(HTML_PRETENDING, name="cute-cat.png")

    assert reason(error) == "not_an_image"
    assert "isn't a JPEG, PNG or WebP image" in error.detail


def test_a_gif_is_refused_with_its_format_named():
    error = error_of(image_bytes("GIF"), name="anim.gif")

    assert reason(error) == "format"
    assert "GIF" in error.detail


def test_a_png_with_html_appended_is_stored_without_it():
    polyglot = image_bytes("PNG") + HTML_PRETENDING

    out = stored(process(polyglot))

    assert b"<script>" not in out


def test_decompression_bomb_over_pillows_limit_is_a_form_error():
    # 100 000 × 100 000 pixels claimed by a file of a few dozen bytes: Pillow's own
    # DecompressionBombError, turned into a message.
    data = png_header_only(100_000, 100_000)
    assert len(data) < 200

    error = error_of(data)

    assert reason(error) == "too_many_pixels"
    assert "too large to open safely" in error.detail


def test_image_over_our_pixel_limit_is_refused_before_decoding():
    # 8 000 × 8 000 = 64 MP: under Pillow's warning threshold (~89 MP), over ours (24 MP).
    error = error_of(png_header_only(8_000, 8_000))

    assert reason(error) == "too_many_pixels"


def test_pillow_warning_range_is_refused_too():
    # ~100 MP: Pillow would only warn (DecompressionBombWarning); we refuse.
    with pytest.warns(Image.DecompressionBombWarning):
        error = error_of(png_header_only(10_000, 10_000))

    assert reason(error) == "too_many_pixels"


def test_a_truncated_image_is_damaged():
    data = image_bytes("JPEG", size=(800, 800))

    error = error_of(data[: len(data) // 3])

    assert reason(error) == "damaged"


def test_an_image_too_small_for_a_photo():
    error = error_of(image_bytes("PNG", size=(40, 40)))

    assert reason(error) == "too_small"
    assert "40 × 40" in error.detail


def test_photo_size_cap(settings):
    settings.FILE_UPLOAD_MAX_SIZE = 100 * 1024 * 1024
    assert PHOTO.max_bytes == settings.PROFILE_PHOTO_MAX_SIZE == 5 * 1024 * 1024

    settings.FILE_UPLOAD_MAX_SIZE = 2000
    error = error_of(image_bytes("PNG", size=(400, 400), colour=(1, 2, 3)) + b"\0" * 3000)

    assert error.code == "too_large"
    assert error.detail == "Files may be at most 2 KB."


def test_empty_file():
    assert reason(error_of(b"")) == "empty"


def test_thumbnail_is_cropped_to_the_box():
    data = stored(process(image_bytes("PNG", size=(800, 400))))

    thumb = make_thumbnail(data, size=(256, 256))

    with Image.open(BytesIO(thumb)) as image:
        assert image.size == (256, 256)
