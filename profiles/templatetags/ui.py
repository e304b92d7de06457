"""Small presentation helpers for templates: `{% load ui %}`."""

import zlib

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

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


@register.filter
def compact_when(value) -> str:
    """A short time for lists: "14:05" today, "24 Nov" this year, "24 Nov 2025" before."""
    if not value:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate()
    if local.date() == today:
        return date_format(local, "H:i")
    if local.year == today.year:
        return date_format(local, "j M")
    return date_format(local, "j M Y")
