import pytest
from django.conf import settings


def only_with_speedup(part: str):
    """For a test of a guarantee the stock part does not give: it runs only while the
    speed-up `part` is on (REALTIME_STOCK does not name it)."""
    return pytest.mark.skipif(
        part in settings.REALTIME_STOCK,
        reason=f"a guarantee of the speed-up that REALTIME_STOCK={part} switches off",
    )
