"""How Tandem connects to Redis, in one place for the settings and the fault tests."""

from urllib.parse import urlsplit, urlunsplit

import redis.asyncio.retry
import redis.retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server on another database number, so a cache FLUSHDB spares the rest."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


def connection_options(*, for_asyncio: bool) -> dict:
    """redis-py connection options that survive a Redis restart.

    Without retries, every connection pooled before the restart fails once with "Connection
    closed by server": each socket that joins a group right after it dies too, and each
    thread's next send fails its send-limit count. With them, a stale connection is replaced
    and the command retried; only what was waiting on Redis at the moment it went away fails
    (a socket's page reconnects and catches up).
    """
    retry_class = redis.asyncio.retry.Retry if for_asyncio else redis.retry.Retry
    return {
        "retry": retry_class(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
        "retry_on_error": [ConnectionError, TimeoutError, ConnectionResetError],
        "health_check_interval": 15,
        "socket_connect_timeout": 2,
        # Longer than the channel layer reader's blocking pop (its brpop_timeout).
        "socket_timeout": 5,
    }


def channel_layer_host(url: str) -> dict:
    """A channels-redis host (asyncio connections)."""
    return {"address": url, **connection_options(for_asyncio=True)}


def cache_options() -> dict:
    """OPTIONS for Django's Redis cache (sync connections)."""
    return connection_options(for_asyncio=False)
