"""HTTP helpers every app's views share: who wants JSON, errors mapped to responses, the one
response for a private user file, and the one way a page may use the camera and microphone."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from asgiref.sync import iscoroutinefunction
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from core.exceptions import ApplicationError, NotAllowed, NotFound


def wants_json(request: HttpRequest) -> bool:
    """Whether the caller is our own JavaScript, which reads JSON rather than a page.

    The modules send `X-Requested-With: fetch` (uploads, panels) or `Accept: application/json`
    (history, photo upload); either one means JSON.
    """
    return request.headers.get("X-Requested-With") == "fetch" or (
        "application/json" in request.headers.get("Accept", "")
    )


def error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The one mapping of an application error to HTTP.

    JSON callers get `{"error", "code", …}` with the error's status. A page gets Django's own
    404 and 403 handling for not-found and not-allowed (so a stranger's object looks like no
    object at all), and a plain page that says what went wrong for the rest.
    """
    if wants_json(request):
        return JsonResponse(error.as_dict(), status=error.http_status)
    if isinstance(error, NotFound):
        raise Http404(error.detail)
    if isinstance(error, NotAllowed):
        raise PermissionDenied(error.detail)
    response = render(request, "core/error.html", {"error": error}, status=error.http_status)
    if "retry_after" in error.extra:
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


def error_json(error: ApplicationError) -> JsonResponse:
    """An application error as JSON, for an endpoint only our own script calls."""
    return JsonResponse(error.as_dict(), status=error.http_status)


def done_response(request: HttpRequest, url: str, text: str = "") -> HttpResponse:
    """An action posted from a page succeeded: `{"ok": true}` for the page's script, otherwise
    `text` as a message and back to `url`."""
    if wants_json(request):
        return JsonResponse({"ok": True})
    if text:
        messages.success(request, text)
    return redirect(url)


def refused_response(request: HttpRequest, url: str, text: str) -> HttpResponse:
    """An action posted from a page is not allowed now: 403 JSON for the page's script,
    otherwise `text` as a message and back to `url`."""
    if wants_json(request):
        return JsonResponse({"error": text}, status=403)
    messages.error(request, text)
    return redirect(url)


def upload_refused_json(error: str, *, stored: int, status: int = 400) -> JsonResponse:
    """What a page's upload script reads when a file of its request was refused: why, and how
    many of the files before it were stored."""
    return JsonResponse({"error": error, "stored": stored}, status=status)


# --- Private files ------------------------------------------------------------------------------

# Shown inline only: images we re-encoded ourselves (core.uploads makes them all WebP).
INLINE_CONTENT_TYPES = frozenset({"image/webp"})
# Opened on its own, a private file is a sandboxed document that may load nothing and run
# nothing; an inline image may show itself and the browser's own styling of an image page.
ATTACHMENT_CSP = "sandbox; default-src 'none'"
INLINE_IMAGE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
CACHE_PRIVATE = "private, no-store"
# For names that never change their bytes (every upload gets a new name).
CACHE_PRIVATE_IMMUTABLE = "private, max-age=31536000, immutable"


def _ascii_fallback(name: str) -> str:
    # Accents dropped (é → e); anything else outside printable ASCII, and the characters a
    # quoted filename must not carry (a quote, a backslash, and % which some browsers decode),
    # replaced by "_".
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r'[^\x20-\x7e]|["%\\]', "_", plain)


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: a quoted ASCII filename every browser reads, plus `filename*` (UTF-8) when the
    real name needs more. The name is only the last part of a path, without control
    characters."""
    name = "".join(ch if ch.isprintable() else "_" for ch in filename)
    name = re.sub(r"[/\\]", "_", name).strip() or "download"
    fallback = _ascii_fallback(name)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        value += "; filename*=UTF-8''" + quote(name, safe="")
    return value


def private_file_response(
    content: FieldFile | bytes,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    immutable: bool = False,
) -> HttpResponseBase:
    """The one response for a private user file: a stored file, or bytes made for the download.

    Downloaded as an attachment, unless `inline` and it is an image we encoded ourselves; never
    sniffed into another type; sandboxed, so even opened on its own it runs nothing as a page of
    this site; kept only in the person's own browser's cache (`immutable` for a stored name whose
    bytes never change, otherwise not at all).
    """
    if inline and content_type not in INLINE_CONTENT_TYPES:
        raise ValueError(f"{content_type} is never shown inline, only images we encoded.")
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        try:
            handle = content.open("rb")
        except FileNotFoundError:
            raise Http404("No such file.") from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_IMAGE_CSP if inline else ATTACHMENT_CSP
    response["Cache-Control"] = CACHE_PRIVATE_IMMUTABLE if immutable else CACHE_PRIVATE
    return response


# --- Permissions-Policy --------------------------------------------------------------------------

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

# What core.middleware.PermissionsPolicyMiddleware reads off a response: the features this
# response's page may use from its own origin (all others in PERMISSIONS_POLICY_DENIED are off).
PERMISSIONS_ALLOWED_ATTR = "permissions_policy_allowed"
MEDIA_DEVICE_FEATURES = frozenset({"camera", "microphone", "display-capture"})


def with_media_devices(response: ResponseT) -> ResponseT:
    """This response's page may ask for the camera, the microphone and screen sharing
    (`camera=(self)` …), which every other page denies. The browser still asks the person;
    without this it would not even ask. For the call page only."""
    allowed: frozenset[str] = getattr(response, PERMISSIONS_ALLOWED_ATTR, frozenset())
    setattr(response, PERMISSIONS_ALLOWED_ATTR, allowed | MEDIA_DEVICE_FEATURES)
    return response


def allow_media_devices(view: Callable[..., Any]) -> Callable[..., Any]:
    """`with_media_devices` on every response of `view`, sync or async."""
    allow = with_media_devices

    if iscoroutinefunction(view):

        @wraps(view)
        async def async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return allow(await view(request, *args, **kwargs))

        return async_view

    @wraps(view)
    def sync_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return allow(view(request, *args, **kwargs))

    return sync_view
