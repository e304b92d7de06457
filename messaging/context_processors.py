from collections.abc import Callable

from django.http import HttpRequest

from messaging.notifications import unread_notification_count
from messaging.selectors import unread_by_conversation


def unread(request: HttpRequest) -> dict[str, Callable[[], object]]:
    """Unread counts for the tab title, the Messages badge and the notification bell.

    A callable, which templates call only when they render it: other pages cost no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_by_conversation": lambda: unread_by_conversation(user=user),
        "notification_count": lambda: unread_notification_count(user=user),
    }
