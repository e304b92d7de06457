import pytest
from django.conf import settings


def only_with_speedup(part: str):
    """For a test of a guarantee the stock part does not give: it runs only while the
    speed-up `part` is on (REALTIME_STOCK does not name it)."""
    return pytest.mark.skipif(
        part in settings.REALTIME_STOCK,
        reason=f"a guarantee of the speed-up that REALTIME_STOCK={part} switches off",
    )


# channels-redis's pub/sub layer keeps each channel in the event loop that made it: a test that
# makes, joins and reads a channel through separate async_to_sync calls (a loop each) cannot
# use it. A consumer does all three on its own loop, so the live path can.
channel_across_event_loops = pytest.mark.skipif(
    settings.CHANNEL_LAYERS["default"]["BACKEND"]
    == "channels_redis.pubsub.RedisPubSubChannelLayer",
    reason="RedisPubSubChannelLayer's channels live in one event loop; this test uses several",
)
