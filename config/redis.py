"""How Tandem connects to Redis, in one place for the settings and the fault tests."""

from urllib.parse import urlsplit, urlunsplit

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server on another database number, so a cache FLUSHDB spares the rest."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


def channel_layer_host(url: str) -> dict:
    """A channels-redis host that survives a Redis restart.

    Without retries, every connection pooled before the restart fails once with "Connection
    closed by server", so each socket that joins a group right after it dies too. With them,
    a stale connection is replaced and the command retried; only sockets that were waiting on
    Redis at the moment it went away are closed, and their pages reconnect and catch up.
    """
    return {
        "address": url,
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
        "retry_on_error": [ConnectionError, TimeoutError, ConnectionResetError],
        "health_check_interval": 15,
        "socket_connect_timeout": 2,
        # Longer than the reader's blocking pop (BundlingRedisChannelLayer.brpop_timeout).
        "socket_timeout": 5,
    }
