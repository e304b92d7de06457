"""The live path's speed-ups over Django, Channels, channels-redis and redis-py, in one place.

Each module reaches into a library's private internals for a measured gain, and each can be
switched back to the library's stock part from the environment (`REALTIME_STOCK`,
`REALTIME_LAYER`: switches.py; the decision records in docs/adr/ say why each is kept):

- layer.py: a channels-redis layer that sends a chat message's events once per process;
- redis_direct.py: the live path's Redis scripts on redis-py connections of their own;
- cache.py: Django's Redis cache with one pool and one client per process;
- websocket.py: the websocket's session, read but never saved;
- consumer.py: a consumer loop with one task per source instead of one per message;
- redis.py: how Tandem connects to Redis (not a speed-up: retries and timeouts).
"""
