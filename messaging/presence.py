"""Presence: when a person was last seen online, for those who share it.

The moment goes to the shared cache on every call (what presence_of reads first); the database
row, which outlives the cache, at most once per PRESENCE_PERSIST_SECONDS per person
(docs/adr/0110-sessions-and-presence-in-the-cache.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.core.cache import cache
from django.utils import timezone

from messaging.models import MessagingPreferences

if TYPE_CHECKING:
    from profiles.models import User

PRESENCE_PERSIST_SECONDS = 300
PRESENCE_CACHE_SECONDS = 7 * 24 * 3600
PRESENCE_ONLINE_SECONDS = 60


class Presence(TypedDict):
    online: bool
    last_seen_at: datetime


def presence_cache_key(user_id: int) -> str:
    return f"presence:last_seen:{user_id}"


def presence_seen(*, user: User) -> None:
    """Called by the socket on connect, heartbeat and disconnect."""
    now = timezone.now()
    cache.set(presence_cache_key(user.pk), now, timeout=PRESENCE_CACHE_SECONDS)
    if cache.add(f"presence:persisted:{user.pk}", 1, timeout=PRESENCE_PERSIST_SECONDS):
        MessagingPreferences.objects.update_or_create(user=user, defaults={"last_seen_at": now})


def presence_of(*, user: User) -> Presence | None:
    """Whether the person is online and when they were last seen; None when they do not
    share it."""
    preferences = MessagingPreferences.objects.filter(user=user).first()
    if preferences is None or not preferences.share_presence:
        return None
    # The cache has the latest moment; the row, written at most every few minutes, outlives it.
    seen = [cache.get(presence_cache_key(user.pk)), preferences.last_seen_at]
    moments = [moment for moment in seen if moment is not None]
    if not moments:
        return None
    last_seen_at = max(moments)
    age = (timezone.now() - last_seen_at).total_seconds()
    return {"online": age < PRESENCE_ONLINE_SECONDS, "last_seen_at": last_seen_at}
