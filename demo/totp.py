"""The demo admin's second factor: a published TOTP secret and the code it gives now.

RFC 6238 (TOTP over RFC 4226's HOTP) in a few lines, so the demo (`manage.py totp_code`) and the
tests can make codes from a secret without reaching into allauth's internals; allauth checks
them with its own implementation, which keeps this one honest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

# Published in the README and printed by `make run`: the demo's second factor is no secret.
DEMO_TOTP_SECRETS = {"admin@example.com": "TANDEMDEMOADMINTOTPSECRETKEY2345"}  # noqa: S105

PERIOD = 30
DIGITS = 6


def totp_code(secret: str, *, at: float | None = None, period: int = PERIOD) -> str:
    """The code an authenticator app shows for base32 `secret` at time `at` (now if None)."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def seconds_left(*, at: float | None = None, period: int = PERIOD) -> float:
    """How long the current code has to live: wait past the step when it is nearly over."""
    now = time.time() if at is None else at
    return period - (now % period)
