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

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_shared: dict = {}
_shared_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        return self._shared(write)[0]

    def get_client(self, key=None, *, write=False):
        return self._shared(write)[1]

    def _shared(self, write):
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items())))
        found = _shared.get(key)
        if found is None:
            with _shared_lock:
                found = _shared.get(key)
                if found is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    found = _shared[key] = (pool, self._client(connection_pool=pool))
        return found


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
