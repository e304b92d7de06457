"""Middleware of our own: application errors become responses, and every page carries the
Content-Security-Policy and Permissions-Policy headers."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse

from core.exceptions import ApplicationError
from core.http import PERMISSIONS_ALLOWED_ATTR, error_response


class ApplicationErrorMiddleware:
    """Views catch an error only where they show it in place (a form's field); the rest end here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return error_response(request, exception)
        return None


def _admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy of `CONTENT_SECURITY_POLICY`, plus two things a
    static setting cannot say:

    - `connect-src` names the websocket origin of the host this request came to (`ws:` or
      `wss:`), which older browsers do not count as 'self';
    - under the Django admin, `style-src` also allows inline styles: the admin's change lists
      carry a `<style>` element of Django's own. Scripts stay 'self' there too.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""
        if host:
            scheme = "wss" if request.is_secure() else "ws"
            update["connect-src"] = [*update.get("connect-src", ()), f"{scheme}://{host}"]
        admin = _admin_prefix()
        if admin and request.path_info.startswith(admin):
            update["style-src"] = [*update.get("style-src", ()), "'unsafe-inline'"]
        parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the features in `PERMISSIONS_POLICY_DENIED` are off
    for every page and every frame, except those a view allowed for its own response with
    `core.http.allow_media_devices` (the call page), which this origin may then use."""

    header = "Permissions-Policy"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header not in response:
            allowed: frozenset[str] = getattr(response, PERMISSIONS_ALLOWED_ATTR, frozenset())
            response[self.header] = permissions_policy(allowed)
        return response


def permissions_policy(allowed: frozenset[str] = frozenset()) -> str:
    """`camera=(), microphone=(), …`, with `feature=(self)` for each allowed one."""
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()"
        for feature in settings.PERMISSIONS_POLICY_DENIED
    )
