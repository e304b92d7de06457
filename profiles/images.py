"""Uploaded images: decoded, checked and re-encoded with Pillow before anything is stored.

What reaches storage is always an image we encoded ourselves (WebP), under a name we made: the
uploaded bytes, their name and their claimed type are never kept. That strips metadata (GPS in
EXIF), drops anything smuggled after the pixels (a PNG with HTML appended) and makes a file that
only pretends to be an image (HTML named .png) fail at decoding, with a message for the form.
"""

import uuid
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
# Refused before decoding, well under Pillow's own bomb limit (~89 MP warns, ~179 MP raises):
# a 12 000 × 4 000 panorama still fits, a 1 KB PNG claiming 50 000 × 50 000 pixels does not.
MAX_PIXELS = 50_000_000
PHOTO_MAX_BYTES = 5 * 1024 * 1024
OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"
OUTPUT_CONTENT_TYPE = "image/webp"


@dataclass(frozen=True)
class ImageRules:
    max_side: int  # larger images are scaled down to fit
    min_side: int  # smaller ones are refused: they would look broken on the page
    keep_alpha: bool  # screenshots and logos keep transparency; photos are flattened
    folder: str

    @property
    def max_bytes(self) -> int:
        if self.folder == "photos":
            return min(PHOTO_MAX_BYTES, settings.FILE_UPLOAD_MAX_SIZE)
        return settings.FILE_UPLOAD_MAX_SIZE


PHOTO = ImageRules(max_side=1024, min_side=100, keep_alpha=False, folder="photos")
SAMPLE = ImageRules(max_side=2000, min_side=64, keep_alpha=True, folder="samples")


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    width: int
    height: int

    def name(self, folder: str, suffix: str = "") -> str:
        return f"{folder}/{uuid.uuid4().hex}{suffix}.{OUTPUT_EXTENSION}"


def too_large_message(rules: ImageRules, size: int | None = None) -> str:
    limit = filesizeformat(rules.max_bytes)
    if size:
        return f"This file is {filesizeformat(size)}; images can be up to {limit}."
    return f"This file is larger than {limit}, the most an image can be."


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


def _encode(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, OUTPUT_FORMAT, quality=85, method=4)
    return out.getvalue()


def process_upload(upload, *, rules: ImageRules) -> EncodedImage:
    """Decode, check and re-encode an uploaded image; ValidationError says what is wrong."""
    size = getattr(upload, "size", None)
    if size is not None and size > rules.max_bytes:
        raise ValidationError(too_large_message(rules, size), code="too_large")
    upload.seek(0)
    data = upload.read(rules.max_bytes + 1)
    if len(data) > rules.max_bytes:
        raise ValidationError(too_large_message(rules), code="too_large")
    if not data:
        raise ValidationError("This file is empty.", code="empty")
    return process_bytes(data, rules=rules)


def process_bytes(data: bytes, *, rules: ImageRules) -> EncodedImage:
    not_an_image = ValidationError(
        "This file isn't a JPEG, PNG or WebP image, whatever its name says. "
        "Export it as one of those and try again.",
        code="not_an_image",
    )
    bomb = ValidationError(
        f"This image is too large to open safely (over {MAX_PIXELS // 1_000_000} megapixels). "
        f"Scale it down, e.g. to {rules.max_side * 2} pixels wide, and try again.",
        code="too_many_pixels",
    )
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG or WebP image (this one is %(format)s).",
                    code="format",
                    params={"format": image.format or "of another kind"},
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise bomb
            if min(width, height) < rules.min_side:
                raise ValidationError(
                    "This image is %(w)s × %(h)s pixels; it needs to be at least "
                    "%(min)s pixels on each side.",
                    code="too_small",
                    params={"w": width, "h": height, "min": rules.min_side},
                )
            image.load()  # the first frame of an animation
            upright = ImageOps.exif_transpose(image)
            flat = _flatten(upright, rules.keep_alpha)
            flat.thumbnail((rules.max_side, rules.max_side), Image.Resampling.LANCZOS)
            return EncodedImage(data=_encode(flat), width=flat.width, height=flat.height)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise bomb from None
    except UnidentifiedImageError:
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "This image is damaged or incomplete and can't be opened. Try exporting it again.",
            code="damaged",
        ) from None


def make_thumbnail(data: bytes, *, size: tuple[int, int]) -> bytes:
    """A centre-cropped thumbnail of an image we encoded ourselves (made once, at upload)."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        thumb = ImageOps.fit(image.convert(mode), size, Image.Resampling.LANCZOS)
        return _encode(thumb)


class CappedUploadHandler(FileUploadHandler):
    """Put first in request.upload_handlers: skips a file as soon as it passes its cap.

    The cap is enforced while the body streams, so no more than the cap ever reaches memory or
    disk. Skipping (not stopping) lets the parser read the fields after the file, so the form
    comes back with everything typed and a message for the file field (`too_large`).
    """

    def __init__(self, request=None, *, caps: dict[str, int]):
        super().__init__(request)
        self.caps = caps
        self.too_large: set[str] = set()
        self.received = 0
        self.cap = 0

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0
        self.cap = self.caps.get(field_name, settings.FILE_UPLOAD_MAX_SIZE)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.cap:
            self.too_large.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def install_capped_handler(request, caps: dict[str, int]) -> CappedUploadHandler:
    """Call before anything reads request.POST or request.FILES (CSRF included)."""
    handler = CappedUploadHandler(request, caps=caps)
    request.upload_handlers.insert(0, handler)
    return handler
