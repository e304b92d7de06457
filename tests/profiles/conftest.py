"""Helpers for the profiles tests: images made in memory, users with profiles."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from profiles import services


def image_bytes(fmt: str = "PNG", size=(400, 300), colour=(13, 107, 104), **save) -> bytes:
    mode = "RGBA" if fmt == "PNG" and len(colour) == 4 else "RGB"
    out = BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


HTML_PRETENDING = (
    b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
)


@pytest.fixture
def signed_in(client):
    """`signed_in(user)` logs the test client in as user and returns the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def fill_profile(user, **data):
    """A profile filled through the service, as the edit page would."""
    skills = data.pop("skills", None)
    return services.profile_update(profile=user.profile, data=data, skills=skills)


WORDS_120 = " ".join(["word"] * 120)
