"""`make audit` tells a found vulnerability (fails) from an advisory database it could not reach
(says so, passes). pip-audit is replaced by a stub that answers as pip-audit does in each case;
the Makefile's recipe around it is the real one."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

OFFLINE = (
    "Traceback (most recent call last):\n"
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): "
    "Max retries exceeded with url: /pypi/django/5.2.20/json (Caused by NameResolutionError("
    "\"Failed to resolve 'pypi.org' ([Errno -3] Temporary failure in name resolution)\"))"
)
FOUND = "Name   Version ID                  Fix Versions\n------ ------- ------------------- ------------\ndjango 5.2.19  GHSA-xxxx-xxxx-xxxx 5.2.20"


def audit(tmp_path, *, stdout="", stderr="", code=0) -> subprocess.CompletedProcess:
    (tmp_path / "out").write_text(stdout)
    (tmp_path / "err").write_text(stderr)
    stub = tmp_path / "pip-audit"
    stub.write_text(
        f"#!/bin/sh\ncat '{tmp_path}/out'\ncat '{tmp_path}/err' >&2\nexit {code}\n"
    )
    stub.chmod(0o755)
    # -o install: the venv is taken as it is; only the audit recipe runs.
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "-o", "install", "audit", f"PIP_AUDIT={stub}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_vulnerability_passes(tmp_path):
    result = audit(tmp_path, stderr="No known vulnerabilities found")
    assert result.returncode == 0, result.stderr
    assert "No known vulnerabilities found" in result.stdout


def test_a_found_vulnerability_fails(tmp_path):
    result = audit(tmp_path, stdout=FOUND, stderr="Found 1 known vulnerability in 1 package", code=1)
    assert result.returncode != 0
    assert "django 5.2.19" in result.stdout
    assert "no advisory database" not in result.stdout


def test_an_unreachable_advisory_database_says_so_and_passes(tmp_path):
    result = audit(tmp_path, stderr=OFFLINE, code=1)
    assert result.returncode == 0, result.stderr
    assert "no advisory database could be reached, so nothing was checked" in result.stdout


def test_a_vulnerability_fails_even_when_some_lookups_failed(tmp_path):
    stderr = OFFLINE + "\nFound 1 known vulnerability in 1 package"
    result = audit(tmp_path, stdout=FOUND, stderr=stderr, code=1)
    assert result.returncode != 0


def test_any_other_failure_fails(tmp_path):
    result = audit(tmp_path, stderr="ERROR: hash mismatch for django", code=1)
    assert result.returncode != 0
    assert "hash mismatch" in result.stderr
