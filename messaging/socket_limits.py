"""How many frames a person's sockets may make this process work on (docs/websocket-protocol.md,
"Errors": rate_limited).

Two limits, both checked before any work is done for a frame:

- `message.send` frames count toward the send limit (MESSAGE_RATE_LIMIT per
  MESSAGE_RATE_LIMIT_PERIOD, in the shared cache across processes): a stored send is counted by
  `message_send` itself, a refused one (not a member, blocked, malformed…) by the consumer after
  the refusal. Once the limit answers "too fast", this process refuses the person's sends at
  once, without a database or cache round trip, until the window it named has passed.
- Every other frame, well formed or not, counts toward WEBSOCKET_FRAME_RATE_LIMIT per
  WEBSOCKET_FRAME_RATE_PERIOD per person on this process, kept in memory: no round trip on the
  live path. A person with several sockets on one process shares one budget.
"""

from __future__ import annotations

import math
import time
import weakref

from django.conf import settings

from core.exceptions import RateLimited

FRAMES_LIMITED = "Too many frames; wait a moment."


class FrameBudget:
    """One person's frames on this process; every socket of theirs holds it, so it lives as
    long as one of them does."""

    __slots__ = ("__weakref__", "closes_at", "count", "limit", "sends_detail", "sends_until")

    def __init__(self) -> None:
        self.closes_at = -math.inf
        self.count = 0
        self.limit = 0
        self.sends_until = 0.0
        self.sends_detail = ""

    def spend(self) -> None:
        """Count one frame other than a send; RateLimited past the budget. The settings are
        read when a window opens, not per frame (a setting costs ~10 dict lookups to read)."""
        now = time.monotonic()
        if now >= self.closes_at:
            self.closes_at = now + settings.WEBSOCKET_FRAME_RATE_PERIOD
            self.limit = settings.WEBSOCKET_FRAME_RATE_LIMIT
            self.count = 0
        self.count += 1
        if self.count > self.limit:
            raise RateLimited(FRAMES_LIMITED, retry_after=_seconds(self.closes_at - now))

    def check_sends(self) -> None:
        """RateLimited while the send limit last said so."""
        left = self.sends_until - time.monotonic()
        if left > 0:
            raise RateLimited(self.sends_detail, retry_after=_seconds(left))

    def sends_limited(self, error: RateLimited) -> None:
        """The send limit refused a send: refuse the next ones here for as long as it said."""
        self.sends_until = time.monotonic() + error.retry_after
        self.sends_detail = error.detail


def _seconds(left: float) -> int:
    return max(1, math.ceil(left))


_budgets: weakref.WeakValueDictionary[int, FrameBudget] = weakref.WeakValueDictionary()


def budget_for(user_id: int) -> FrameBudget:
    budget = _budgets.get(user_id)
    if budget is None:
        budget = _budgets[user_id] = FrameBudget()
    return budget
