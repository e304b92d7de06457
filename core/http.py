"""HTTP helpers every app's views share: who wants JSON, and errors mapped to responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
