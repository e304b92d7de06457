"""The one pipeline every uploaded file goes through, from the request's body to what is stored.

1. While the body streams, a capped handler skips any file over its kind's cap, so no more than
   the cap reaches memory or disk (`capped_upload`, the decorator for upload views).
2. `check_upload` decides from the file's own first bytes what it is (never from its name or the
   type the browser claims), refuses what its kind does not accept and a name that disagrees
   with the contents, decodes images with a pixel limit (bombs refused), re-encodes the images we
   show (photos, work samples, previews), hashes what is stored and makes its storage name. It
   reads and refuses; it never stores.
3. Services store `CheckedUpload.content` under `CheckedUpload.storage_name`, a name the server
   made; the uploaded name is kept only as a sanitised display name.

Each upload kind's rules are defined once, below (`UploadKind`). Refusals are
`core.exceptions.Invalid` (with a `reason`) or `TooLarge`, whose size is always worded by
`too_large_message`. Files are served by `core.http.private_file_response`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from io import BytesIO
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.exceptions import ApplicationError, Invalid, TooLarge
from core.http import error_json, error_response
from core.images import (
    REENCODED_CONTENT_TYPE,
    REENCODED_SUFFIX,
    ImageRules,
    opened_image,
    pillow_errors,
    reencode,
    webp,
)

MiB = 1024 * 1024
SNIFF_BYTES = 8192
DISPLAY_NAME_MAX = 200
# What a form may carry besides its file: a request declaring more than FILE_UPLOAD_MAX_SIZE
# plus this is not parsed at all.
FORM_FIELDS_ALLOWANCE = 64 * 1024
# A view function, as capped_upload wraps it.
View = Callable[..., HttpResponseBase]


# --- Sizes ---------------------------------------------------------------------------------------


def size_text(size: int) -> str:
    """25 MB, 2.5 MB, 4 KB, 900 bytes: binary units, with the names people know them by."""
    for unit, scale in (("MB", MiB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large_message(max_bytes: int) -> str:
    """The one wording for a file over its size limit, wherever it is caught."""
    return f"Files may be at most {size_text(max_bytes)}."


# --- What a file is: its first bytes decide ---------------------------------------------------


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]
    # What the first bytes look like (`sniff`); several types share one (a .docx is a zip).
    family: str


FILE_TYPES = (
    FileType("png", "image/png", (".png",), "png"),
    FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), "jpeg"),
    FileType("gif", "image/gif", (".gif",), "gif"),
    FileType("webp", "image/webp", (".webp",), "webp"),
    FileType("pdf", "application/pdf", (".pdf",), "pdf"),
    FileType("zip", "application/zip", (".zip",), "zip"),
    FileType(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "zip",
    ),
    FileType(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        "zip",
    ),
    FileType(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        "zip",
    ),
    FileType("svg", "image/svg+xml", (".svg",), "svg"),
    FileType("html", "text/html", (".html", ".htm"), "html"),
    FileType("xml", "application/xml", (".xml",), "xml"),
    FileType("text", "text/plain", (".txt",), "text"),
    FileType("csv", "text/csv", (".csv",), "text"),
    FileType("binary", "application/octet-stream", (), "binary"),
)
_BY_KEY = {t.key: t for t in FILE_TYPES}  # a family's own key names its default type
_BY_EXTENSION = {ext: t for t in FILE_TYPES for ext in t.extensions}
# The families Pillow decodes; SVG is not one of them, whatever its content type says.
RASTER_FAMILIES = frozenset({"png", "jpeg", "gif", "webp"})
_RASTER_CONTENT_TYPES = frozenset(_BY_KEY[f].content_type for f in RASTER_FAMILIES)

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
)
# The MIME Sniffing Standard's HTML patterns: a document that starts (after whitespace) with one
# of these, or with a comment, is HTML to a browser, whatever it is called.
_HTML_START = re.compile(
    r"<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)[\s>]"
)
# The bytes that standard calls binary: none of them occurs in text.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_TEXT_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def sniff(head: bytes) -> str:
    """The family of a file from its first bytes: png, jpeg, gif, webp, pdf, zip, svg, html,
    xml, text or binary."""
    for signature, family in _SIGNATURES:
        if head.startswith(signature):
            return family
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    text = _text_of(head)
    if text is None:
        return "binary"
    return _markup_family(text.lstrip().lower()) or "text"


def _text_of(head: bytes) -> str | None:
    for bom, codec in _TEXT_BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if _BINARY_BYTES.search(head):
        return None
    return head.decode("utf-8", errors="replace")


def _markup_family(start: str) -> str | None:
    if _HTML_START.match(start):
        return "html"
    if start.startswith(("<?xml", "<!doctype", "<!--")):
        # Declarations and comments first: what follows says which markup it is.
        if "<html" in start:
            return "html"
        if "<svg" in start:
            return "svg"
        return "html" if start.startswith("<!--") else "xml"
    if start.startswith("<svg"):
        return "svg"
    return None


# --- Each upload kind's rules, once -----------------------------------------------------------


@dataclass(frozen=True)
class UploadKind:
    label: str
    # The setting that caps this kind; never above FILE_UPLOAD_MAX_SIZE.
    size_setting: str = "FILE_UPLOAD_MAX_SIZE"
    # The contents accepted (FileType keys); None: any, as long as the name agrees with them.
    types: frozenset[str] | None = None
    # Set for a kind that keeps only our re-encoded image, never the uploaded bytes (nor name).
    image: ImageRules | None = None
    # Set for a kind that keeps the file and gives raster images a WebP preview to show.
    preview: ImageRules | None = None
    folder: str = ""  # where a kind whose model has no upload_to keeps its files

    @property
    def max_bytes(self) -> int:
        # Settings read from the environment are untyped (django-environ): both are ints.
        cap: int = getattr(settings, self.size_setting)
        most: int = settings.FILE_UPLOAD_MAX_SIZE
        return min(cap, most)

    @property
    def extensions(self) -> frozenset[str] | None:
        """The names accepted; None: any. Images we re-encode drop the name, so any name."""
        if self.types is None or self.image:
            return None
        return frozenset(ext for key in self.types for ext in _BY_KEY[key].extensions)

    @property
    def accept(self) -> str:
        """For the file input's `accept` attribute."""
        if self.image:
            return ",".join(sorted(_BY_KEY[key].content_type for key in self.types or ()))
        return ",".join(sorted(self.extensions or ()))


_SHOWN_IMAGES = frozenset({"jpeg", "png", "webp"})
_PREVIEW = ImageRules(max_side=480)

PHOTO = UploadKind(
    "profile photo",
    size_setting="PROFILE_PHOTO_MAX_SIZE",
    types=_SHOWN_IMAGES,
    image=ImageRules(max_side=1024, min_side=100, keep_alpha=False),
    folder="photos",
)
WORK_SAMPLE = UploadKind(
    "work sample image",
    types=_SHOWN_IMAGES,
    image=ImageRules(max_side=2000, min_side=64),
    folder="samples",
)
MESSAGE_ATTACHMENT = UploadKind("message attachment")
WORKROOM_FILE = UploadKind("workroom file", preview=_PREVIEW)
DISPUTE_EVIDENCE = UploadKind(
    "evidence",
    types=frozenset({"png", "jpeg", "gif", "webp", "pdf", "text", "csv", "docx", "xlsx", "zip"}),
    preview=_PREVIEW,
)


# --- Names -------------------------------------------------------------------------------------


def display_name(name: str | None) -> str:
    """The uploaded name, only ever shown: its last path part, printable, at most 200 long."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name.strip("."):
        return "file"
    if len(name) > DISPLAY_NAME_MAX:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: DISPLAY_NAME_MAX - len(ext)] + ext
    return name


def storage_name(folder: str = "", suffix: str = "") -> str:
    """A fresh name made by the server: nothing of the uploaded name reaches storage."""
    name = uuid.uuid4().hex + suffix
    return f"{folder}/{name}" if folder else name


# --- The check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    storage_name: str
    content: File  # what to store: the upload itself, or our re-encoded image
    size: int
    content_type: str  # from the contents, never from the name or the browser
    sha256: str  # of what is stored
    preview: bytes | None = None  # a WebP to show, for kinds with previews


def store_checked(
    instance: Any, checked: CheckedUpload, *, file_field: str = "file", preview_field: str = ""
) -> None:
    """Store a checked upload (and its preview) on a model row, then save the row.

    Every check ran before this, so a refused file never reaches storage; a row that fails to
    save takes its stored files with it, so no file is left behind without a row.
    """
    stored = getattr(instance, file_field)
    stored.save(checked.storage_name, checked.content, save=False)
    preview = getattr(instance, preview_field) if preview_field else None
    try:
        if preview is not None and checked.preview:
            preview.save(storage_name(), ContentFile(checked.preview), save=False)
        instance.save()
    except Exception:
        stored.delete(save=False)
        if preview:
            preview.delete(save=False)
        raise


def delete_stored_on_commit(storage: Any, *names: str | None) -> None:
    """Delete these stored files once the transaction that stopped referring to them commits
    (a rolled-back change keeps them). Empty names are skipped."""
    stored = tuple(name for name in names if name)
    if stored:
        transaction.on_commit(lambda: [storage.delete(name) for name in stored])


def check_upload(upload: File, kind: UploadKind) -> CheckedUpload:
    """Everything an upload of `kind` must pass before it is stored; raises Invalid (with a
    `reason`: empty, type, spoofed, not_an_image, format, too_small, too_many_pixels, damaged)
    or TooLarge. Reads, never stores."""
    size = getattr(upload, "size", None)
    if size is not None and size > kind.max_bytes:
        raise TooLarge(too_large_message(kind.max_bytes))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        raise Invalid("This file is empty.", reason="empty")
    name = display_name(getattr(upload, "name", ""))
    if kind.image:
        return _reencoded_upload(upload, kind, kind.image, name, sniff(head))
    file_type = _file_type(kind, name, head, getattr(upload, "content_type", "") or "")
    preview = None
    if file_type.family in RASTER_FAMILIES:
        preview = _preview(upload, kind.preview)
    digest, size = _digest(upload, kind.max_bytes)
    return CheckedUpload(
        display_name=name,
        storage_name=storage_name(kind.folder),
        content=upload,
        size=size,
        content_type=file_type.content_type,
        sha256=digest,
        preview=preview,
    )


def _file_type(kind: UploadKind, name: str, head: bytes, claimed: str) -> FileType:
    """The type of a file kept as it is: its contents must be what its name says, and allowed."""
    ext = os.path.splitext(name)[1].lower()
    shown_ext = ext or "no extension"
    allowed = kind.extensions
    if allowed is not None and ext not in allowed:
        raise Invalid(
            f"Files of this type ({shown_ext}) can't be added here. Allowed: "
            + ", ".join(sorted(allowed))
            + ".",
            reason="type",
        )
    family = sniff(head)
    named = _BY_EXTENSION.get(ext)
    claimed_image = claimed.split(";")[0].strip().lower() in _RASTER_CONTENT_TYPES
    if (named and named.family != family) or (claimed_image and family not in RASTER_FAMILIES):
        raise Invalid(
            f"This file's contents don't match its name ({shown_ext}): nothing was stored. "
            "Export it again in the right format.",
            reason="spoofed",
        )
    file_type = named or _BY_KEY[family]
    if kind.types is not None and file_type.key not in kind.types:
        raise Invalid(f"Files like this one can't be added as {kind.label}.", reason="type")
    return file_type


def _digest(upload: File, max_bytes: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
        if size > max_bytes:  # a size that was not what the file claimed
            raise TooLarge(too_large_message(max_bytes))
    upload.seek(0)
    return digest.hexdigest(), size


# --- Images ------------------------------------------------------------------------------------


def _not_an_image() -> Invalid:
    return Invalid(
        "This file isn't a JPEG, PNG or WebP image, whatever its name says. "
        "Export it as one of those and try again.",
        reason="not_an_image",
    )


def _reencoded_upload(
    upload: File, kind: UploadKind, rules: ImageRules, name: str, family: str
) -> CheckedUpload:
    """An image we show: decoded, checked and re-encoded; only our WebP is kept."""
    if family not in (kind.types or ()):
        if family in RASTER_FAMILIES:
            raise Invalid(
                f"Upload a JPEG, PNG or WebP image (this one is {family.upper()}).",
                reason="format",
            )
        if family == "svg":
            raise Invalid(
                "SVG images can't be used here: they can carry scripts. "
                "Export it as a PNG or JPEG and try again.",
                reason="not_an_image",
            )
        raise _not_an_image()
    data = upload.read(kind.max_bytes + 1)
    if len(data) > kind.max_bytes:
        raise TooLarge(too_large_message(kind.max_bytes))
    with pillow_errors(), opened_image(BytesIO(data)) as image:
        if min(image.size) < rules.min_side:
            raise Invalid(
                f"This image is {image.width} × {image.height} pixels; it needs to be at least "
                f"{rules.min_side} pixels on each side.",
                reason="too_small",
            )
        encoded = reencode(image, rules)
    data = webp(encoded)
    return CheckedUpload(
        display_name=name,
        storage_name=storage_name(kind.folder, REENCODED_SUFFIX),
        content=ContentFile(data),
        size=len(data),
        content_type=REENCODED_CONTENT_TYPE,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _preview(upload: File, rules: ImageRules | None) -> bytes | None:
    """A file kept as it is that is a raster image must still decode (bombs refused); kinds
    with previews get our WebP of it, the only form in which it is ever shown."""
    upload.seek(0)
    try:
        with pillow_errors(), opened_image(upload) as image:
            if rules is None:
                image.load()
                return None
            return webp(reencode(image, rules))
    finally:
        upload.seek(0)


# --- The request: the size cap while the body streams -------------------------------------------


class CappedUploadHandler(FileUploadHandler):
    """First in request.upload_handlers: the size caps, enforced while the body streams.

    The request's cap: one declaring more than FILE_UPLOAD_MAX_SIZE (the most any file may be)
    plus FORM_FIELDS_ALLOWANCE is not parsed at all. The kind's cap (`max_bytes`, per file): a
    file is skipped (not stopped) as soon as it passes it, so no more than the cap reaches memory
    or disk while the fields after it are still read, and a form comes back with everything
    typed and a message for the file (`too_large_fields`).
    """

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.request_too_large = False
        self.too_large_fields: set[str] = set()
        self.received = 0

    @property
    def too_large(self) -> bool:
        return self.request_too_large or bool(self.too_large_fields)

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]] | None:
        if content_length > settings.FILE_UPLOAD_MAX_SIZE + FORM_FIELDS_ALLOWANCE:
            self.request_too_large = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large_fields.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def too_large_refusal(kind: UploadKind) -> str:
    return f"{too_large_message(kind.max_bytes)} Nothing was stored."


def capped_upload(kind: UploadKind, *, json_only: bool = False) -> Callable[[View], View]:
    """For a view that takes uploads of `kind`.

    The cap must be in place before anything reads the body, CSRF included (Django's
    upload-handler documentation), so the view is csrf_exempt outside and csrf_protect inside,
    and is called with `handler=` to ask `too_large`. A body declared far over the cap, or one
    whose form fields pass DATA_UPLOAD_MAX_MEMORY_SIZE (Django's RequestDataTooBig, whatever the
    content type), is answered 413 here without calling the view: nothing is done, so there is
    nothing to protect. With `json_only` that answer is JSON whoever asks (an endpoint only our
    script calls). A view that refuses a request whose file went over the cap answers 413 too,
    whatever status its form re-rendering chose: the one status for "too large".
    """

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            handler = CappedUploadHandler(request, max_bytes=kind.max_bytes)
            request.upload_handlers.insert(0, handler)
            try:
                request.POST  # noqa: B018 (parsed now, under the cap)
            except RequestDataTooBig:
                # As Django's own handler does: the body is not read again, and the view is
                # not called, so nothing half-parsed can be stored.
                request._mark_post_parse_error()  # type: ignore[attr-defined]
                handler.request_too_large = True
            if handler.request_too_large:
                error = TooLarge(too_large_refusal(kind))
                return error_json(error) if json_only else error_response(request, error)
            response = protected(request, *args, handler=handler, **kwargs)
            if handler.too_large and response.status_code == 400:
                response.status_code = TooLarge.http_status
            return response

        return wrapper

    return decorate


Stored = TypeVar("Stored")


def store_each(files: Iterable[Any], store: Callable[[Any], Stored]) -> tuple[list[Stored], str]:
    """Store the files of one request in order, stopping at the first one refused: what was
    stored, and "name: why" for the refused one ("" when none was). A refusal of the request
    itself (not allowed, not found) is not about one file: it is raised."""
    stored = []
    for file in files:
        try:
            stored.append(store(file))
        except (Invalid, TooLarge, ValidationError) as error:
            return stored, f"{display_name(file.name)}: {refusal_text(error)}"
    return stored, ""


def refusal_text(error: Exception) -> str:
    """What a service's refusal of an upload says (an application error, a validation error
    not yet converted to one, or a permission refused)."""
    if isinstance(error, ApplicationError):
        return error.detail
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You can't do that now."
