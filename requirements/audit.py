"""`make audit`: runs pip-audit on a lock and reads its JSON report, so that a known
vulnerability fails and an advisory database that could not be reached is said plainly.

pip-audit alone cannot tell those apart: with PyPI's JSON API out of reach (offline, or an
index mirror without it) it skips every package as "not found on PyPI", prints "No known
vulnerabilities found" and exits 0. Here that is reported as nothing checked (exit 0, since
there is nothing to fix), a found vulnerability exits 1, and any other failure of pip-audit
keeps its exit code.

Usage: python requirements/audit.py PIP_AUDIT_COMMAND... (the report options are added here).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

OFFLINE = re.compile(
    r"ConnectionError|NameResolutionError|Max retries exceeded|Temporary failure in name "
    r"resolution|Network is unreachable|Failed to establish a new connection|timed out"
)
UNREACHABLE = "make audit: no advisory database could be reached, so nothing was checked"


def verdict(report: dict | None, returncode: int, stderr: str) -> tuple[int, str]:
    """The exit code and what to print, from pip-audit's JSON report (None: it wrote none)."""
    if report is None:
        if OFFLINE.search(stderr):
            return 0, f"{UNREACHABLE}:\n{stderr.strip().splitlines()[-1]}"
        return returncode or 1, f"pip-audit failed:\n{stderr.strip()}"
    packages = report.get("dependencies", [])
    found = [
        f"{p['name']} {p['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '—'})"
        for p in packages
        for v in p.get("vulns", [])
    ]
    if found:
        return 1, "Known vulnerabilities in the locked dependencies:\n" + "\n".join(found)
    skipped = [p for p in packages if "skip_reason" in p]
    if packages and len(skipped) == len(packages):
        return 0, (
            f"{UNREACHABLE} (none of the {len(packages)} packages could be looked up; "
            f"pip-audit says: {skipped[0]['skip_reason']})"
        )
    checked = f"{len(packages) - len(skipped)} packages checked: no known vulnerabilities."
    if skipped:
        names = ", ".join(p["name"] for p in skipped)
        return 0, f"{checked}\nNot checked ({len(skipped)}, not found on the index): {names}"
    return 0, checked


def main(command: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        # The command is the Makefile's own pip-audit line, not outside input.
        result = subprocess.run(  # noqa: S603
            [*command, "--format", "json", "--output", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        text = path.read_text() if path.exists() else ""
    try:
        report = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        report = None
    code, message = verdict(report, result.returncode, result.stderr)
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
