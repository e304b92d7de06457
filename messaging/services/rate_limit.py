"""The send limit: at most MESSAGE_RATE_LIMIT sends per MESSAGE_RATE_LIMIT_PERIOD per person,
counted in the shared cache so that it holds across processes."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.exceptions import RateLimited
from core.realtime.redis_direct import script, thread_commands

if TYPE_CHECKING:
    from profiles.models import User


def take_send_token(user: User) -> None:
    """Count one send; RateLimited past the limit. The window opens at the first send after a
    quiet period."""
    period, limit = settings.MESSAGE_RATE_LIMIT_PERIOD, settings.MESSAGE_RATE_LIMIT
    if isinstance(caches["default"], RedisCache):  # `cache` is a proxy to it
        count, retry_after = _redis_send_count(user, period)
    else:
        count, retry_after = _cache_send_count(user, period)
    if count > limit:
        raise RateLimited("You are sending too fast; wait a moment.", retry_after=retry_after)


# The counter is made by the first send of a window, which also sets its expiry (NX: later
# sends leave it alone); its TTL is the time left in the window.
_SEND_COUNT_LUA = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('TTL', KEYS[1])}
"""
_SEND_COUNT_SCRIPT = script(_SEND_COUNT_LUA)


def _redis_send_count(user: User, period: int) -> tuple[int, int]:
    """One round trip and one command (EVALSHA): as a pipeline of INCR, EXPIRE and TTL,
    redis-py's packing of three commands cost ~2 % of the server's CPU under load. Sent on
    the thread's own connection to the cache's Redis, not through the client (~90 µs less
    CPU per send: core/realtime/redis_direct.py)."""
    key = cache.make_key(f"ratelimit:send:{user.pk}")
    # The client of Django's RedisCache, which django-stubs does not describe.
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    count, ttl = thread_commands(client).run_script(_SEND_COUNT_SCRIPT, [key], [period])
    return count, max(1, ttl)


def _cache_send_count(user: User, period: int) -> tuple[int, int]:
    """Any other cache (local memory when REDIS_URL is unset)."""
    now = time.time()
    opened_key, count_key = f"ratelimit:send:{user.pk}:opened", f"ratelimit:send:{user.pk}:count"
    if cache.add(opened_key, now, timeout=period):
        cache.set(count_key, 0, timeout=period)
    try:
        count = cache.incr(count_key)
    except ValueError:  # the window closed between the two calls: this send opens a new one
        cache.set(opened_key, now, timeout=period)
        cache.set(count_key, 1, timeout=period)
        count = 1
    opened = cache.get(opened_key, now)
    return count, max(1, math.ceil(opened + period - now))
