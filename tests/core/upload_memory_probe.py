"""Run by tests/core/test_image_memory.py in a fresh Python process: post one image through a real
upload view and report the process's memory around it, as JSON on stdout.

A fresh process, because Pillow allocates pixels with C's malloc, which tracemalloc does not see:
the peak resident size does, and it is per process. The kernel's high-water mark is reset just
before the upload (/proc/self/clear_refs), so what setting up and warming up cost is not counted;
where it cannot be reset, getrusage's ru_maxrss counts it too (an overestimate, never an under).

    python -m tests.core.upload_memory_probe '{"user": 1, "url": "…", "file_field": "…",
        "fields": {}, "headers": {}, "image": "/tmp/x.png", "warm_up": "/tmp/small.png"}'
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # resets VmHWM, the peak resident size
    except OSError:
        pass


def peak_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def main(args: dict) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.core.conftest import BOUNDARY, multipart

    client = Client()
    client.force_login(get_user_model().objects.get(pk=args["user"]))

    def post(path: str):
        with open(path, "rb") as image:
            body = multipart(
                args["fields"], args["file_field"], "image.png", image.read(), "image/png"
            )
        return client.post(
            args["url"],
            data=body,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            headers=args["headers"],
        )

    # The first request imports and compiles what every later one reuses: not the image's cost.
    warm = post(args["warm_up"])
    gc.collect()
    before = resident_bytes()
    reset_peak()
    response = post(args["image"])
    return {
        "warm_up_status": warm.status_code,
        "status": response.status_code,
        "body": response.content.decode(errors="replace")[:300],
        "resident_before": before,
        "peak_after": peak_bytes(),
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
