"""Show times in the signed-in user's own timezone (docs/architecture.md, "Time, money, files")."""

from django.utils import timezone

from profiles.selectors import timezone_for_user
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
