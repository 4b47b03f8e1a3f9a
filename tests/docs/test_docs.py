"""The READMEs cite the repository as it is: every path they quote exists (globs match at least one
file), so a file that moves takes its citations with it."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

DOCUMENTS = ["README.md", "templates/README.md", *(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
# `quoted` tokens and [links](targets) that name something in the repository: the first part is a
# top-level entry (tests/…, schemas/case.yaml, Makefile…). Output paths (OUT/…, out/…) and
# placeholders (<stage>) are not the repository's.
CITED = re.compile(r"`([^`\s]+)`|\]\(([^)\s#]+)")


def citations(document: str) -> list[str]:
    top = {entry.name for entry in ROOT.iterdir()} - {".venv", ".git", "out"}
    found = []
    for match in CITED.finditer((ROOT / document).read_text("utf-8")):
        token = (match.group(1) or match.group(2)).rstrip("/.,:;")
        if token.startswith(("http:", "https:")) or "<" in token:
            continue
        first = token.split("/")[0]
        relative = (ROOT / document).parent / token
        if (first in top and ("/" in token or "." in token)) or (document != "README.md" and "/" in token
                                                                 and relative.parent.is_dir()):
            found.append(token)
    return found


def exists(document: str, token: str) -> bool:
    for base in (ROOT, (ROOT / document).parent):
        if "*" in token:
            if any(base.glob(token)):
                return True
        elif (base / token).exists():
            return True
    return False


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_path_a_readme_cites_exists(document):
    cited = citations(document)
    if document == "README.md":
        assert len(cited) > 20, "README.md cites almost no repository path: the pattern is broken"
    missing = [token for token in cited if not exists(document, token)]
    assert missing == [], f"{document} cites paths that do not exist: {missing}"


def test_a_moved_file_is_caught():
    """The check itself: a citation of a file that is not there fails."""
    assert not exists("README.md", "tests/test_corpus.py")  # the old place of tests/cli/test_corpus.py
    assert exists("README.md", "tests/cli/test_corpus.py") and exists("README.md", "schemas/*.yaml")
