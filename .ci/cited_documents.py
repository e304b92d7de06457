"""Every Markdown document a repository file names must be in the repository.

A citation of a document the reader cannot open ("see NOTES.md") sends them nowhere. Each
`something.md` named in a tracked text file must be the name of a tracked file; prints each one
that is not (file:line: name) and exits 1. Run from anywhere inside the repository.
"""

import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

CITATION = re.compile(r"[\w./-]*[\w-]+\.md\b")


def tracked_files(root: Path) -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout
    return [name for name in listing.decode().split("\0") if name]


def dangling_citations(root: Path) -> list[str]:
    files = tracked_files(root)
    documents = {PurePosixPath(name).name for name in files}
    found = []
    for name in files:
        path = root / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet in the index
        raw = path.read_bytes()
        if b"\0" in raw:
            continue  # binary
        text = raw.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for cited in CITATION.findall(line):
                if PurePosixPath(cited).name not in documents:
                    found.append(f"{name}:{number}: {cited}")
    return found


def main() -> int:
    root = Path(
        subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, check=True, text=True
        ).stdout.strip()
    )
    found = dangling_citations(root)
    for citation in found:
        print(citation)
    if found:
        print(f"{len(found)} citation(s) of a document this repository does not hold.")
        return 1
    print("every cited document is in the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
