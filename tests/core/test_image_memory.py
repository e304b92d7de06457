"""The worst image an upload accepts, through the real upload view, in a process of its own:
its peak memory stays under a stated bound (docs/uploads.md, "Memory").

The worst accepted image is one just at the pixel limit (core.images.MAX_PIXELS), in the modes
that cost the most once decoded: RGBA, 4 bytes a pixel, and a palette with transparency, which
becomes RGBA before it is scaled. Compressed, each is a few hundred kilobytes: size caps alone do
not bound memory.
"""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.images import MAX_PIXELS
from tests.core.conftest import TARGETS
from tests.live_server import database_url_for_subprocess

MiB = 1024 * 1024
# What one upload of the worst accepted image may add to the process's resident size. Measured
# on the 24 MP limit (docs/uploads.md, "Memory"): 35-168 MiB through these views. Before the
# limit, the strip-wise reduction and the JPEG draft, the same 24 MP image added up to 314 MiB,
# and a 50 MP one (the old limit) 651 MiB.
PEAK_BOUND = 192 * MiB
# The largest 3:2 image the limit accepts: 6000 × 4000 at 24 MP.
HEIGHT = math.isqrt(MAX_PIXELS * 2 // 3)
WIDTH = MAX_PIXELS // HEIGHT

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width: int, height: int, mode: str) -> bytes:
    """A real, complete PNG of width × height, written row by row (nothing full-size is ever in
    this process's memory): "RGBA" (colour type 6) or "P" (a palette with transparency)."""
    if mode == "RGBA":
        header, extra = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0), b""
        row = b"\x00" + bytes([13, 107, 104, 200]) * width
    else:
        header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
        extra = _chunk(b"PLTE", bytes([13, 107, 104, 255, 255, 255])) + _chunk(b"tRNS", b"\x80")
        row = b"\x00" + bytes([0, 1]) * (width // 2)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + extra
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def run_probe(args: dict, media: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "MEDIA_ROOT": str(media),
        "REDIS_URL": "",  # the probe's own memory only: no channel layer or cache connections
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.upload_memory_probe", json.dumps(args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# Just under twice a work sample's 2000 px, a 16 MP image is scaled in one smooth pass with no
# whole-factor reduction first: its own worst case.
UNREDUCED = (3999, 3999)


@pytest.mark.parametrize(
    ("kind", "mode", "size"),
    [
        ("work_sample", "RGBA", (WIDTH, HEIGHT)),  # re-encoded at up to 2000 px, alpha kept
        ("work_sample", "RGBA", UNREDUCED),
        ("photo", "P", (WIDTH, HEIGHT)),  # flattened onto white at up to 1024 px
        ("workroom_file", "RGBA", (WIDTH, HEIGHT)),  # kept as sent, with a 480 px preview
        ("dispute_evidence", "P", (WIDTH, HEIGHT)),
    ],
)
def test_the_worst_accepted_image_stays_under_the_memory_bound(kind, mode, size, request, tmp_path):
    target = TARGETS[kind](Client(), request.getfixturevalue)
    big, small = tmp_path / "big.png", tmp_path / "small.png"
    big.write_bytes(png(*size, mode))
    small.write_bytes(png(300, 200, mode))
    user = int(target.client.session["_auth_user_id"])

    result = run_probe(
        {
            "user": user,
            "url": target.url,
            "file_field": target.file_field,
            "fields": target.fields,
            "headers": target.headers,
            "image": str(big),
            "warm_up": str(small),
        },
        tmp_path / "media",
    )

    assert result["warm_up_status"] in (200, 201, 302), result
    assert result["status"] in (200, 201, 302), result  # accepted, not refused
    added = result["peak_after"] - result["resident_before"]
    print(f"{kind} {mode}: {big.stat().st_size // 1024} KiB file, peak +{added / MiB:.0f} MiB")
    assert added < PEAK_BOUND, f"{kind}: +{added / MiB:.0f} MiB"
