"""Images decoded, checked and re-encoded with Pillow (core.uploads decides when).

Every image we show is one we encoded: the first frame, upright, as WebP, without metadata (GPS
in EXIF) or anything smuggled after the pixels.

Memory is what an image costs here, not bytes: a 200 KB PNG can claim 50 megapixels, and each
full-size copy of them is 4 bytes a pixel. So (docs/uploads.md, "Memory"):
- decoding is refused for an image claiming more than MAX_PIXELS, before its pixels are read;
- an image is scaled down before anything else is done to it: a JPEG is decoded at 1/2, 1/4 or
  1/8 of its size when that still covers the box (`Image.draft`), other formats are decoded
  once and reduced strip by strip, and flattening, rotation and encoding work on the small copy;
- one image at a time is decoded per process (`decode_slot`): the web process runs views in
  several threads, and two decodes at once would double the peak.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import Invalid, RateLimited

# Refused before decoding. A profile photo is shown at 1024 px at most, a work sample at 2000, a
# preview at 480: 24 MP (6000 × 4000, a full-frame camera's photo) is more than any of them
# needs, and at 4 bytes a pixel its one decoded copy is 96 MB.
MAX_PIXELS = 24_000_000
# Everything we re-encode (photos, work samples, previews) is WebP, and only that is ever shown
# inline (core.http.private_file_response).
REENCODED_CONTENT_TYPE = "image/webp"
REENCODED_SUFFIX = ".webp"
# How long a request waits for another thread's decode before it is told to try again.
DECODE_WAIT_SECONDS = 30
_DECODE_SLOT = threading.BoundedSemaphore(1)
# EXIF orientations and the turn that makes each upright (what ImageOps.exif_transpose does,
# applied to the small copy instead of the full-size one).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112
# Reduced rows per strip when a large image is shrunk (`_shrunk`): a strip of a 6000-pixel-wide
# RGBA image reduced by 6 is 6000 × 192 × 4 bytes, 4.6 MB.
STRIP_ROWS = 32


@dataclass(frozen=True)
class ImageRules:
    """How an image is re-encoded as our own WebP."""

    max_side: int  # larger images are scaled down to fit
    min_side: int = 1  # smaller ones are refused: they would look broken on the page
    keep_alpha: bool = True  # screenshots and logos keep transparency; photos are flattened


def too_many_pixels() -> Invalid:
    return Invalid(
        f"This image is too large to open safely (over {MAX_PIXELS // 1_000_000} megapixels): "
        "nothing was stored. Scale it down and try again.",
        reason="too_many_pixels",
    )


@contextmanager
def pillow_errors() -> Iterator[None]:
    """Pillow's ways of saying no, as the refusals people see."""
    try:
        yield
    except Image.DecompressionBombError:
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Invalid(
            "This image is damaged or incomplete and can't be opened. Try exporting it again.",
            reason="damaged",
        ) from None


@contextmanager
def decode_slot() -> Iterator[None]:
    """The one decode this process runs at a time; a request that waits too long is told to
    try again rather than queued without end."""
    if not _DECODE_SLOT.acquire(timeout=DECODE_WAIT_SECONDS):
        raise RateLimited(
            "Tandem is busy processing other images. Try again in a moment.", retry_after=10
        )
    try:
        yield
    finally:
        _DECODE_SLOT.release()


@contextmanager
def opened_image(source: IO[bytes]) -> Iterator[Image.Image]:
    """Opened (the header read, nothing decoded yet) and refused if it claims too many pixels;
    held in the process's decode slot until closed."""
    with decode_slot(), Image.open(source) as image:
        if image.width * image.height > MAX_PIXELS:
            raise too_many_pixels()
        yield image


def _flatten(image: Image.Image, keep_alpha: bool) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        image = image.convert("RGBA")
        if keep_alpha:
            return image
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image).convert("RGB")
    return image.convert("RGB")


def _scalable_mode(image: Image.Image) -> str:
    """A mode Pillow scales smoothly: RGB, RGBA, L and LA are; a palette or 1-bit image would be
    scaled pixel by pixel, and other modes (CMYK, 16-bit) not at all."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image.mode
    return "RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB"


def _shrunk(image: Image.Image, max_side: int) -> Image.Image:
    """The decoded image reduced by a whole factor to no less than `max_side`, strip by strip.

    Converting or reducing a whole image copies it (an RGBA reduce copies it twice, to weight
    the colours by their alpha), so only a strip of rows is ever copied: the peak is the decoded
    image plus its reduction, not two or three full-size copies.
    """
    mode = _scalable_mode(image)
    factor = max(image.size) // max_side
    if factor < 2:
        return image if image.mode == mode else image.convert(mode)
    width, height = image.size
    rows = factor * STRIP_ROWS
    small = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(top + rows, height)))
        if strip.mode != mode:
            strip = strip.convert(mode)
        small.paste(strip.reduce(factor), (0, top // factor))
    return small


def reencode(image: Image.Image, rules: ImageRules) -> Image.Image:
    """The first frame, upright, without metadata or anything after the pixels, scaled to fit.

    Scaled first, so that no second full-size copy is ever made: a JPEG decodes straight at a
    fraction of its size (`draft`), anything else decodes once and is reduced strip by strip
    (`_shrunk`); the last, smooth resize, flattening and turning it upright happen on the small
    copy.
    """
    box = (rules.max_side, rules.max_side)
    orientation = image.getexif().get(_ORIENTATION_TAG)
    image.draft(None, box)  # JPEG only; a no-op for the other formats
    image.load()
    small = _shrunk(image, rules.max_side)
    small.thumbnail(box, Image.Resampling.LANCZOS)
    if orientation in _UPRIGHT:
        small = small.transpose(_UPRIGHT[orientation])
    return _flatten(small, rules.keep_alpha)


def webp(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def make_thumbnail(data: bytes, *, size: tuple[int, int]) -> bytes:
    """A centre-cropped thumbnail of an image we encoded ourselves (made once, after upload)."""
    with decode_slot(), Image.open(BytesIO(data)) as image:
        image.load()
        mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        return webp(ImageOps.fit(image.convert(mode), size, Image.Resampling.LANCZOS))
