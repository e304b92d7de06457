"""The middleware in front of the websocket consumer (config/asgi.py)."""

from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.auth import AuthMiddleware, AuthMiddlewareStack
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from core.realtime.switches import is_stock

if TYPE_CHECKING:  # the stubs' name for what Channels' middleware wraps; not in channels itself
    from channels.utils import _ChannelApplication

# An ASGI 3 application: what this middleware wraps (Channels' AuthMiddleware).
ASGIApp = Callable[[Any, ASGIReceiveCallable, ASGISendCallable], Awaitable[Any]]


class ReadOnlySessionMiddleware:
    """The signed-in person's session for a websocket, read but never saved.

    Channels' SessionMiddleware wraps the consumer's `send` to save the session and set its
    cookie on an HTTP response; a websocket never does either, yet the wrapper looked at the
    session on every frame (21 frames per chat message in a room of ten). This gives the
    consumer the same `scope["session"]` and leaves `send` alone.
    """

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner
        self.session_store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(
        self, scope: dict[str, Any], receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> Any:
        if "cookies" not in scope:
            raise ValueError("ReadOnlySessionMiddleware needs to run inside CookieMiddleware.")
        session_key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        # A SessionStore reads its data on first access (AuthMiddleware does that in a thread).
        scope = {**scope, "session": self.session_store(session_key)}
        return await self.inner(scope, receive, send)


def websocket_auth_stack(inner: "_ChannelApplication") -> "_ChannelApplication":
    """channels.auth.AuthMiddlewareStack, with the read-only session; Channels' own stack
    (its SessionMiddleware) with REALTIME_STOCK=session (docs/adr/0004)."""
    if is_stock("session"):
        return AuthMiddlewareStack(inner)
    return CookieMiddleware(ReadOnlySessionMiddleware(AuthMiddleware(inner)))
