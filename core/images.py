"""Images decoded, checked and re-encoded with Pillow (core.uploads decides when).

Every image we show is one we encoded: the first frame, upright, as WebP, without metadata (GPS
in EXIF) or anything smuggled after the pixels. Decoding is refused for an image that claims
more than MAX_PIXELS, before its pixels are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import Invalid

# Refused before decoding, well under Pillow's own bomb limit (~89 MP warns, ~179 MP raises):
# a 12 000 × 4 000 panorama still fits, a 1 KB PNG claiming 50 000 × 50 000 pixels does not.
MAX_PIXELS = 50_000_000
# Everything we re-encode (photos, work samples, previews) is WebP, and only that is ever shown
# inline (core.http.private_file_response).
REENCODED_CONTENT_TYPE = "image/webp"
REENCODED_SUFFIX = ".webp"


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
def opened_image(source: IO[bytes]) -> Iterator[Image.Image]:
    """Opened (the header read, nothing decoded yet) and refused if it claims too many pixels."""
    with Image.open(source) as image:
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


def reencode(image: Image.Image, rules: ImageRules) -> Image.Image:
    """The first frame, upright, without metadata or anything after the pixels, scaled to fit."""
    image.load()
    flat = _flatten(ImageOps.exif_transpose(image), rules.keep_alpha)
    flat.thumbnail((rules.max_side, rules.max_side), Image.Resampling.LANCZOS)
    return flat


def webp(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def make_thumbnail(data: bytes, *, size: tuple[int, int]) -> bytes:
    """A centre-cropped thumbnail of an image we encoded ourselves (made once, after upload)."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        return webp(ImageOps.fit(image.convert(mode), size, Image.Resampling.LANCZOS))
