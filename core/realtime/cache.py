"""Django's Redis cache, with one connection pool and one redis-py client per process.

- Django's RedisCacheClient.get_client builds a new `redis.Redis` on every cache call; with
  redis-py 8 that constructor resolves driver information (importlib.metadata) each time,
  ~0.2 ms of CPU per call, more than the round trip.
- Django keeps a cache object per thread and, under ASGI, per async context (asgiref's
  Local): every websocket got its own RedisCache, its own pool and a new Redis connection,
  kept open for the life of the process (2,000 sockets: 2,000 Redis connections, and opening
  one, driver information included, was a quarter of a socket's connect time).
Pools and clients are thread-safe (a command takes a connection from the pool and gives it
back), so one of each per server per process is enough. Same keys, same serialisation.
REALTIME_STOCK=cache runs Django's RedisCache instead (switches.py; docs/adr/0003).
"""

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool, Redis

# Keyed by (server URL, pool options).
_shared: dict[tuple[str, str], tuple[ConnectionPool, Redis]] = {}
_shared_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    # The private attributes and method used below are RedisCacheClient's own (set in its
    # __init__), which Django's stubs leave out: hence each `type: ignore[attr-defined]`.

    def _get_connection_pool(self, write: bool) -> ConnectionPool:
        return self._shared(write)[0]

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        return self._shared(write)[1]

    def _shared(self, write: bool) -> tuple[ConnectionPool, Redis]:
        servers: list[str] = self._servers  # type: ignore[attr-defined]
        options: dict[str, Any] = self._pool_options  # type: ignore[attr-defined]
        index: int = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        key = (servers[index], repr(sorted(options.items())))
        found = _shared.get(key)
        if found is None:
            with _shared_lock:
                found = _shared.get(key)
                if found is None:
                    pool: ConnectionPool = self._pool_class.from_url(  # type: ignore[attr-defined]
                        servers[index], **options
                    )
                    client: Redis = self._client(connection_pool=pool)  # type: ignore[attr-defined]
                    found = _shared[key] = (pool, client)
        return found


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
