"""The docs stand alone: no tracked file cites a design document the repository does not hold,
and every link to a Markdown file under `docs/` leads somewhere.

The five names below are design notes that once lived outside the repository; their content
now lives in `docs/` (architecture.md, conventions.md, …). A citation of one of them points a
reader at nothing. The names are spelled in pieces here so this file does not cite them itself.
"""

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

MISSING_DOCUMENT_STEMS = ("ARCHITECTURE", "CONVENTIONS", "PITFALLS", "UI", "CONDUCT")
CITATION = re.compile(r"\b(?:" + "|".join(MISSING_DOCUMENT_STEMS) + r")\.md\b")
# A path under docs/ written out anywhere (a comment, a docstring, a doc), not inside a longer
# path such as ../docs/ or bench/docs/.
DOCS_PATH = re.compile(r"(?<![\w./-])docs/(?:[\w.-]+/)*[\w.-]+\.md\b")
# A Markdown link's target: [text](target) or [text](target "title").
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@cache
def tracked_files() -> tuple[str, ...]:
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout ({error}): nothing to list")
    return tuple(name for name in listing.decode().split("\0") if name)


def text_of(relative: str) -> str | None:
    """The file's text, or None for a binary file (or one removed from the working tree)."""
    try:
        data = (REPO / relative).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def missing_citations(text: str, *, held: set[str]) -> list[str]:
    """The names of design documents the repository does not hold that `text` cites."""
    return [name for name in CITATION.findall(text) if name not in held]


def broken_doc_links(relative: str, text: str, *, exists) -> list[str]:
    """Links to Markdown files under docs/ that lead nowhere.

    Paths written out (`docs/…`) are read from the repository's root; in a Markdown file, a
    link's relative target ending in .md is read from the file's own folder.
    """
    targets = [(match, REPO / match) for match in DOCS_PATH.findall(text)]
    if relative.endswith(".md"):
        folder = (REPO / relative).parent
        for target in MARKDOWN_LINK.findall(text):
            path = target.split("#", 1)[0]
            if re.match(r"^[a-z][a-z0-9+.-]*:", path) or not path.endswith(".md"):
                continue  # a URL, an anchor in the same page, or not a Markdown file
            base = REPO if path.startswith("/") else folder
            targets.append((target, base / path.lstrip("/")))
    broken = [written for written, path in targets if not exists(path.resolve())]
    return list(dict.fromkeys(broken))  # a link and its written-out path are one finding


def findings(check) -> list[str]:
    problems = []
    for relative in tracked_files():
        text = text_of(relative)
        if text is None:
            continue
        problems += [f"{relative}: {problem}" for problem in check(relative, text)]
    return problems


def test_no_tracked_file_cites_a_document_the_repository_does_not_hold():
    held = {Path(name).name for name in tracked_files()}
    problems = findings(lambda relative, text: missing_citations(text, held=held))
    assert not problems, "cite the repository's own docs instead:\n" + "\n".join(problems)


def test_every_link_to_a_markdown_file_under_docs_leads_somewhere():
    problems = findings(lambda relative, text: broken_doc_links(relative, text, exists=Path.exists))
    assert not problems, "links to files that do not exist:\n" + "\n".join(problems)


def test_the_docs_that_hold_the_contracts_are_tracked():
    tracked = set(tracked_files())
    for doc in ("docs/architecture.md", "docs/conventions.md", "docs/websocket-protocol.md"):
        assert doc in tracked


# The checks themselves, on text made up for them.


def test_a_citation_of_a_missing_document_is_found_and_a_held_one_is_not():
    cited = (
        "see " + "ARCHITECTURE" + ".md and docs/" + "UI" + ".md, not G" + "UI" + ".md or ui" + ".md"
    )
    architecture, ui = "ARCHITECTURE" + ".md", "UI" + ".md"
    assert missing_citations(cited, held=set()) == [architecture, ui]
    assert missing_citations(cited, held={ui}) == [architecture]


def test_a_written_out_docs_path_is_read_from_the_root():
    text = "see docs/" + "architecture.md and docs/" + "adr/none-such.md, not ../docs/" + "x.md"
    broken = broken_doc_links("config/asgi.py", text, exists=Path.exists)
    assert broken == ["docs/" + "adr/none-such.md"]


def test_a_markdown_link_is_read_from_its_own_folder():
    text = (
        "[ok](architecture.md#settings-contract) [up](../README.md) [web](https://x.org/a.md) "
        "[here](#top) [gone](" + "none-such.md) [dir](adr/)"
    )
    broken = broken_doc_links("docs/README.md", text, exists=Path.exists)
    assert broken == ["none-such.md"]
