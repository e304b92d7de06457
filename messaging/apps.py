import logging
from typing import Any

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self) -> None:
        # socket_sessions: the receivers that close a person's sockets when their sign-in ends.
        from messaging import services, socket_sessions  # noqa: F401
        from profiles import account_parts

        account_parts.register(
            "messaging", export=services.account_export, erase=services.account_erase
        )
        # Said once at start, on purpose: past `capacity` queued events a channel drops new ones
        # silently (channels-redis and the in-memory layer both do). Nothing is lost by it,
        # since pages catch up by version, but whoever reads the log should know the limit.
        layer: dict[str, Any] = settings.CHANNEL_LAYERS.get("default", {})
        config = layer.get("CONFIG", {})
        logger.info(
            "channel layer %s: capacity %s events per channel (beyond it events are dropped "
            "and clients catch up by version), group expiry %s s",
            layer.get("BACKEND", "?").rsplit(".", 1)[-1],
            config.get("capacity", 100),
            config.get("group_expiry", 86400),
        )
