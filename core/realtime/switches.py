"""Which of the live path's speed-ups run, and which are switched back to the stock part.

Read from the environment once, in config/settings/base.py:

REALTIME_STOCK: a comma-separated list of parts to run as their library ships them, or `all`.
    layer          channels-redis's RedisChannelLayer, not BundlingRedisChannelLayer (layer.py)
    cache          Django's RedisCache, not ReusingRedisCache (cache.py)
    session        Channels' AuthMiddlewareStack, not the read-only session (websocket.py)
    redis_client   redis-py's client for the live path's scripts, not connections of their
                   own (redis_direct.py)
REALTIME_LAYER: `bundling` (the default), `redis` (the same as REALTIME_STOCK=layer) or
    `pubsub` (channels-redis's RedisPubSubChannelLayer).

The layer and the cache apply where REDIS_URL is set (without it both are in memory).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PARTS = ("layer", "cache", "session", "redis_client")

LAYER_BACKENDS = {
    "bundling": "core.realtime.layer.BundlingRedisChannelLayer",
    "redis": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

CACHE_BACKENDS = {
    False: "core.realtime.cache.ReusingRedisCache",
    True: "django.core.cache.backends.redis.RedisCache",
}


def choose(stock: list[str], layer: str = "") -> tuple[frozenset[str], str]:
    """The parts to run stock and the channel layer's name, from the two settings' values.

    A layer other than `bundling` is itself a stock part, so `layer` is then in the set."""
    parts = {part.strip() for part in stock if part.strip()}
    if "all" in parts:
        parts = (parts - {"all"}) | set(PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        raise ImproperlyConfigured(
            f"REALTIME_STOCK names no part {sorted(unknown)}; the parts are {', '.join(PARTS)}."
        )
    layer = layer.strip() or ("redis" if "layer" in parts else "bundling")
    if layer not in LAYER_BACKENDS:
        raise ImproperlyConfigured(
            f"REALTIME_LAYER is {layer!r}; it is one of {', '.join(LAYER_BACKENDS)}."
        )
    if layer == "bundling" and "layer" in parts:
        raise ImproperlyConfigured("REALTIME_LAYER=bundling contradicts REALTIME_STOCK=layer.")
    if layer != "bundling":
        parts.add("layer")
    return frozenset(parts), layer


def is_stock(part: str) -> bool:
    """Whether `part` (one of PARTS) runs as its library ships it."""
    if part not in PARTS:
        raise ValueError(f"{part!r} is not one of {PARTS}")
    return part in getattr(settings, "REALTIME_STOCK", ())
