"""core.images: one decode at a time per process, images scaled before they are worked on, the
pixel limit sized to what is shown."""

import threading
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from core import images
from core.exceptions import Invalid, RateLimited
from core.images import MAX_PIXELS, ImageRules, decode_slot, reencode
from core.uploads import WORK_SAMPLE, WORKROOM_FILE, check_upload
from tests.profiles.conftest import image_bytes, png_header_only


def upload(data: bytes, name: str = "screen.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_the_pixel_limit_is_24_megapixels_and_says_so():
    assert MAX_PIXELS == 24_000_000
    with pytest.raises(Invalid) as refused:
        check_upload(upload(png_header_only(6001, 4000)), WORKROOM_FILE)
    assert refused.value.extra["reason"] == "too_many_pixels"
    assert "over 24 megapixels" in refused.value.detail


def test_concurrent_uploads_decode_one_image_at_a_time(monkeypatch):
    active, most = 0, 0
    lock = threading.Lock()
    real_load = ImageFile.ImageFile.load  # what decodes a file's pixels

    def counting_load(self):
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        try:
            time.sleep(0.05)  # long enough for the other threads to try
            return real_load(self)
        finally:
            with lock:
                active -= 1

    sent = [image_bytes("PNG", size=(300 + i, 200)) for i in range(4)]
    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    errors = []

    def one(i):
        try:
            check_upload(upload(sent[i]), WORK_SAMPLE)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert most == 1


def test_an_upload_that_waits_too_long_for_the_slot_is_told_to_retry(monkeypatch):
    monkeypatch.setattr(images, "DECODE_WAIT_SECONDS", 0.1)
    held, release = threading.Event(), threading.Event()

    def hold():
        with decode_slot():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(RateLimited) as busy:
            check_upload(upload(image_bytes("PNG")), WORK_SAMPLE)
        assert busy.value.retry_after > 0
    finally:
        release.set()
        holder.join()
    # Released: the next upload goes through.
    assert check_upload(upload(image_bytes("PNG")), WORK_SAMPLE).content_type == "image/webp"


def test_a_jpeg_is_decoded_at_a_fraction_of_its_size():
    out = BytesIO()
    Image.new("RGB", (4000, 3000), (13, 107, 104)).save(out, "JPEG")
    with Image.open(BytesIO(out.getvalue())) as opened:
        decoded = []
        real_load = opened.load

        def load():
            result = real_load()
            decoded.append(opened.im.size)
            return result

        opened.load = load
        small = reencode(opened, ImageRules(max_side=480))
    assert decoded[0] == (1000, 750)  # 1/4 of each side: the most that still covers the box
    assert max(small.size) == 480


@pytest.mark.parametrize(
    ("orientation", "size"), [(1, (800, 400)), (6, (400, 800)), (8, (400, 800)), (3, (800, 400))]
)
def test_a_turned_photo_comes_out_upright_and_without_its_exif(orientation, size):
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {2: (52.0, 22.0, 1.0)}  # GPS
    out = BytesIO()
    Image.new("RGB", (800, 400), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    checked = check_upload(upload(out.getvalue(), "turned.jpg"), WORK_SAMPLE)
    with Image.open(checked.content) as stored:
        assert stored.size == size
        assert not stored.getexif()


@pytest.mark.parametrize("mode", ["P", "1", "LA", "CMYK", "I;16"])
def test_every_mode_is_scaled_and_flattened(mode):
    out = BytesIO()
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    image = Image.new(mode, (3000, 1500))
    if mode == "P":
        image.info["transparency"] = 0
    image.save(out, fmt)
    checked = check_upload(upload(out.getvalue(), f"x.{fmt.lower()}"), WORK_SAMPLE)
    with Image.open(checked.content) as stored:
        assert stored.size == (2000, 1000)
        assert stored.mode in ("RGB", "RGBA")
