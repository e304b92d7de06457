"""The one websocket per browser tab (ARCHITECTURE.md, "Websocket protocol").

The consumer is a thin translator: it parses frames, calls services and turns their answers
and errors into frames. A bad frame gets an error frame; it never closes a good socket.
"""

import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401


class FrameError(Exception):
    def __init__(self, code: str, detail: str, **echo):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.echo = echo


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        # Accept first, then close: a close before accept becomes an HTTP 403 and the browser
        # only sees 1006, never the reason.
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_group = f"user.{self.user.id}"
        await self.channel_layer.group_add(self.user_group, self.channel_name)

    async def disconnect(self, code):
        if getattr(self, "user_group", None):
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            frame = self.parse_frame(text_data, bytes_data)
            handler = self.handlers.get(frame["type"])
            if handler is None:
                raise FrameError("invalid", f"Unknown frame type {frame['type']!r}.")
            await handler(self, frame)
        except FrameError as error:
            await self.send_json(
                {"type": "error", "code": error.code, "detail": error.detail, **error.echo}
            )
        except Exception:
            # A bug must not take the socket down with it: log it, tell the client, go on.
            logger.exception("websocket frame failed for user %s", getattr(self.user, "id", None))
            await self.send_json(
                {"type": "error", "code": "server_error", "detail": "Something went wrong."}
            )

    def parse_frame(self, text_data, bytes_data) -> dict:
        if text_data is None:
            raise FrameError("invalid", "Frames must be JSON text.")
        if len(text_data.encode()) > settings.WEBSOCKET_MAX_FRAME_BYTES:
            raise FrameError("too_large", "Frames may be at most 256 KiB.")
        try:
            frame = json.loads(text_data)
        except ValueError:
            raise FrameError("invalid", "Frames must be JSON objects.") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise FrameError("invalid", "Frames must be JSON objects with a string 'type'.")
        return frame

    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))

    async def handle_ping(self, frame):
        await self.send_json({"type": "pong"})

    handlers = {
        "ping": handle_ping,
    }
