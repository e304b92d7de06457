"""The ICE servers a call page hands its browser (docs/calls.md, "STUN and TURN").

TURN credentials follow the TURN REST API scheme that coturn implements (`use-auth-secret`):
the username is "<expiry>:<user id>" and the password an HMAC-SHA1 of it with the secret the
TURN server shares with us. A credential stops working at its expiry; the secret never leaves
the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings


def turn_credential(
    *, user_id: int, secret: str, ttl: int, now: float | None = None
) -> dict[str, str]:
    expiry = int((now if now is not None else time.time()) + ttl)
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode()}


def ice_servers_for(*, user_id: int) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = list(settings.WEBRTC_ICE_SERVERS)
    if settings.WEBRTC_TURN_SECRET and settings.WEBRTC_TURN_URLS:
        credential = turn_credential(
            user_id=user_id, secret=settings.WEBRTC_TURN_SECRET, ttl=settings.WEBRTC_TURN_TTL
        )
        servers.append({"urls": list(settings.WEBRTC_TURN_URLS), **credential})
    return servers
