"""Small presentation helpers for templates: `{% load ui %}`."""

import zlib

from django import template

register = template.Library()

# tandem.css defines .avatar--c1 … .avatar--c8.
AVATAR_COLOURS = 8


@register.filter
def avatar_class(name) -> str:
    """The avatar colour class for a name: `avatar--c1` … `avatar--c8`.

    Deterministic across processes and restarts (CRC-32, not Python's salted hash()), and
    insensitive to case and surrounding spaces, so a person keeps their colour everywhere.
    """
    key = " ".join(str(name or "").split()).casefold().encode()
    return f"avatar--c{zlib.crc32(key) % AVATAR_COLOURS + 1}"
