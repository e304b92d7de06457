"""The ASGI application takes what starting made out of the collector's full passes
(config/asgi.py): a full pass over it stalled every socket of the process ~100 ms."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
import config.asgi
print(json.dumps({"frozen": gc.get_freeze_count(), "oldest": len(gc.get_objects(2))}))
"""


def test_starting_the_application_freezes_what_it_made():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    # Django alone makes tens of thousands of objects; what a full pass still walks is only
    # what was made after the freeze.
    assert counts["frozen"] > 50_000
    assert counts["oldest"] < counts["frozen"] / 20
