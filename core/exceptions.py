"""The one error family that services raise.

Services say what went wrong in the user's words (`detail`) and what kind of wrong it is (the
class). Views turn an error into an HTTP response in one place (`core.http.error_response`), the
websocket consumer into an error frame in one place (`error_frame`); neither re-words it.

Each app may subclass these for its own cases (an invitation that has closed is an `Invalid`),
so a caller can catch the specific case or the whole family.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """Something a user asked for that the rules refuse. `detail` is shown to the user."""

    code = "invalid"
    http_status = 400

    def __init__(self, detail: str = "", **extra: Any) -> None:
        detail = detail or self.default_detail()
        super().__init__(detail)
        self.detail = detail
        # Extra fields a client may act on (an error frame or JSON body carries them).
        self.extra = extra

    @classmethod
    def default_detail(cls) -> str:
        return "That could not be done."

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.detail, "code": self.code, **self.extra}


class Invalid(ApplicationError):
    """The input breaks a rule; fixing the input fixes it."""

    code = "invalid"
    http_status = 400


class NotFound(ApplicationError):
    """No such thing, or not one this person may see (the two look the same on purpose)."""

    code = "not_found"
    http_status = 404

    @classmethod
    def default_detail(cls) -> str:
        return "Not found."


class NotAllowed(ApplicationError):
    """The thing exists and the person may see it, but may not do this to it."""

    code = "forbidden"
    http_status = 403

    @classmethod
    def default_detail(cls) -> str:
        return "You are not allowed to do that."


class TooLarge(ApplicationError):
    """An upload or a frame over its size limit."""

    code = "too_large"
    http_status = 413


class RateLimited(ApplicationError):
    """Too many of something too fast; `retry_after` says how many seconds to wait."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, detail: str = "", *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after

    @classmethod
    def default_detail(cls) -> str:
        return "You are doing that too often. Please wait a moment."


def error_frame(error: ApplicationError, **echo: Any) -> dict[str, Any]:
    """The websocket protocol's error frame for an error (docs/websocket-protocol.md)."""
    return {"type": "error", "code": error.code, "detail": error.detail, **echo, **error.extra}
