"""SECURITY.md names the test that holds each security rule: every test it names must exist,
and once the security branches are merged no `TBD(branch)` placeholder may be left."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY_MD = ROOT / "SECURITY.md"
# tests/<path>.py::name or tests/<path>.py::Class::name
NODE = re.compile(r"\b(tests/[\w/]+\.py)::(\w+)(?:::(\w+))?")


def defines(source: str, kind: str, name: str) -> bool:
    keyword = r"(?:async\s+)?def" if kind == "def" else "class"
    return re.search(rf"^\s*{keyword}\s+{name}\b", source, re.MULTILINE) is not None


def missing_tests(text: str) -> list[str]:
    missing = []
    for match in NODE.finditer(text):
        path, first, second = match.groups()
        file = ROOT / path
        source = file.read_text(encoding="utf-8") if file.is_file() else ""
        if second:
            found = defines(source, "class", first) and defines(source, "def", second)
        else:
            found = defines(source, "def", first)
        if not found:
            missing.append(match.group(0))
    return missing


def test_every_test_named_exists():
    text = SECURITY_MD.read_text(encoding="utf-8")
    assert NODE.search(text), "SECURITY.md names no test"
    assert missing_tests(text) == []


def test_the_check_itself_catches_a_missing_test():
    text = (
        "tests/core/test_security_md.py::test_every_test_named_exists and "
        "tests/core/test_security_md.py::test_no_such_thing"
    )
    assert missing_tests(text) == ["tests/core/test_security_md.py::test_no_such_thing"]


def test_every_finding_has_a_row():
    text = SECURITY_MD.read_text(encoding="utf-8")
    numbers = {int(n) for n in re.findall(r"^\| (\d+) \|", text, re.MULTILINE)}
    assert numbers == set(range(1, 14))


def test_no_placeholder_is_left():
    text = SECURITY_MD.read_text(encoding="utf-8")
    assert re.findall(r"TBD\(([\w-]+)\)", text) == []
