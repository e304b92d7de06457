"""`make audit` tells a found vulnerability (fails) from an advisory database it could not reach
(says so, passes): requirements/audit.py reads pip-audit's JSON report. The end-to-end cases
replace pip-audit by a stub that writes the report pip-audit writes in each case."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit", ROOT / "requirements" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

DJANGO_VULNERABLE = {
    "name": "django",
    "version": "5.2.19",
    "vulns": [{"id": "GHSA-xxxx-xxxx-xxxx", "fix_versions": ["5.2.20"], "aliases": []}],
}
CLEAN = {"name": "django", "version": "5.2.20", "vulns": []}
NOT_FOUND = {
    "name": "django",
    "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.20)",
}
OFFLINE = (
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): "
    "Max retries exceeded with url: /pypi/django/5.2.20/json"
)


def report(*packages):
    return {"dependencies": list(packages), "fixes": []}


def test_a_clean_lock_passes():
    code, text = audit.verdict(report(CLEAN, {**CLEAN, "name": "pillow"}), 0, "")
    assert code == 0
    assert text == "2 packages checked: no known vulnerabilities."


def test_a_found_vulnerability_fails_and_names_the_fix():
    code, text = audit.verdict(report(CLEAN, DJANGO_VULNERABLE), 1, "")
    assert code == 1
    assert "django 5.2.19: GHSA-xxxx-xxxx-xxxx (fixed in 5.2.20)" in text


def test_nothing_looked_up_is_not_a_clean_bill():
    # What pip-audit reports when PyPI's JSON API is out of reach: every package skipped, exit 0.
    code, text = audit.verdict(report(NOT_FOUND, {**NOT_FOUND, "name": "pillow"}), 0, "")
    assert code == 0
    assert text.startswith(audit.UNREACHABLE)
    assert "none of the 2 packages" in text


def test_a_vulnerability_fails_even_when_other_lookups_failed():
    code, _ = audit.verdict(report(NOT_FOUND, DJANGO_VULNERABLE), 1, "")
    assert code == 1


def test_some_packages_not_found_are_named():
    code, text = audit.verdict(report(CLEAN, {**NOT_FOUND, "name": "private-lib"}), 0, "")
    assert code == 0
    assert "1 packages checked" in text and "private-lib" in text


def test_no_report_and_a_network_error_says_so_and_passes():
    code, text = audit.verdict(None, 1, "Traceback …\n" + OFFLINE)
    assert code == 0
    assert text.startswith(audit.UNREACHABLE) and "Max retries exceeded" in text


def test_no_report_and_any_other_error_fails():
    code, text = audit.verdict(None, 2, "ERROR: hash mismatch for django")
    assert code == 2
    assert "hash mismatch" in text


# Writes the report where pip-audit's --output says, as pip-audit's --format json does.
STUB = """import json, sys
out = sys.argv[sys.argv.index("--output") + 1]
json.dump({report!r}, open(out, "w"))
sys.exit({code})
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("packages", "exit_code", "make_fails", "says"),
    [
        ([DJANGO_VULNERABLE], 1, True, "GHSA-xxxx-xxxx-xxxx"),
        ([NOT_FOUND], 0, False, audit.UNREACHABLE),
        ([CLEAN], 0, False, "no known vulnerabilities"),
    ],
    ids=["vulnerable", "unreachable", "clean"],
)
def test_make_audit(tmp_path, packages, exit_code, make_fails, says):
    stub = tmp_path / "pip-audit"
    stub.write_text(STUB.format(report=report(*packages), code=exit_code))
    # -o install: the environment is taken as it is; only the audit recipe runs.
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "install",
            "audit",
            f"BIN={Path(sys.executable).parent}",
            f"PIP_AUDIT={sys.executable} {stub}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode != 0) is make_fails, result.stdout + result.stderr
    assert says in result.stdout + result.stderr
