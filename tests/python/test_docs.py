"""Comments cite documents that exist: each architecture-page anchor they name is a heading."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = [*REPO.glob("python/**/*.py"), *REPO.glob("python/**/*.md"), *REPO.glob("tests/**/*.py")]


def _anchor(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_cited_section_of_the_architecture_page_exists() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", page, re.M)}
    cited = {
        (path.relative_to(REPO).as_posix(), anchor)
        for path in SOURCES
        for anchor in re.findall(r"docs/architecture\.md#([\w-]+)", path.read_text("utf-8"))
    }
    assert cited, "no comment cites docs/architecture.md any more"
    missing = sorted((where, anchor) for where, anchor in cited if anchor not in anchors)
    assert not missing, f"cited sections that docs/architecture.md lacks: {missing}"


def test_no_comment_cites_a_design_document_the_repository_lacks() -> None:
    stale = [
        path.relative_to(REPO).as_posix()
        for path in SOURCES
        if path.name != "test_docs.py" and "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert not stale, f"these cite DESIGN.md, which is not in the repository: {stale}"
