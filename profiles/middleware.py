"""Request-wide rules about the signed-in person: their timezone is active (docs/architecture.md,
"Time, money, files"); staff without a second factor set one up first (docs/accounts.md)."""

from functools import cache

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from profiles.selectors import second_factor_missing, timezone_for_user
from profiles.timezones import zone


class TimezoneMiddleware:
    """Activates the user's Profile.timezone for the request; UTC for everyone else.

    The name comes from the cache (profiles.services refreshes it when the profile's timezone
    changes), so a request costs no query beyond the user lookup it already makes; a cache miss
    costs one small query, once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone(timezone_for_user(user_id=user.pk)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class StaffTwoFactorMiddleware:
    """With MFA_REQUIRED_FOR_STAFF, a staff member (every mediator is one) without an
    authenticator is sent to set one up before any other page: the admin and the mediation
    queue hold every party's correspondence. The account pages under /accounts/ stay open, as
    enrolling may need them (log out, confirm an address, re-enter the password, the
    two-factor pages themselves). docs/accounts.md, "Two-factor authentication".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            if request.method == "GET":
                messages.warning(request, STAFF_MUST_ENROL_TEXT)
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or request.path.startswith(_account_pages_prefix()):
            return False
        return second_factor_missing(user)


STAFF_MUST_ENROL_TEXT = (
    "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
)


@cache
def _account_pages_prefix() -> str:
    return reverse("account_login").removesuffix("login/")
