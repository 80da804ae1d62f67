"""Reviews: Markdown with YAML front matter, typed by :class:`Review`, in ``reviews/NNN.md``.

A review looks like::

    ---
    decision: rejected
    comments:
      - The goal zone floats 5 cm above the floor; lower it to z = 0.
    ---

    Free-form notes for the Coder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchgen.agent._frontmatter import FrontMatterError, split_front_matter
from benchgen.agent.workspace import ToolError

__all__ = ["Review", "parse_review", "review_paths", "write_review"]


class Review(BaseModel):
    """The typed front matter of a review."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"]
    comments: list[str] = Field(default_factory=list)
    todo_complete: bool | None = Field(None, description="Whether every todo.md item is done.")


def parse_review(text: str) -> tuple[Review, str]:
    """Return the review's front matter and body.

    Raises:
        ToolError: the front matter is missing, not YAML, or not a valid Review; the
            message says what a valid review looks like.
    """
    example = "---\ndecision: approved   # or rejected\ncomments:\n  - ...\n---\n<notes>"
    try:
        meta, body = split_front_matter(text)
        return Review.model_validate(meta), body
    except FrontMatterError as exc:
        raise ToolError(f"the review is malformed: {exc}. Write it as:\n{example}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'front matter'}: {e['msg']}" for e in exc.errors()
        )
        raise ToolError(
            f"the review's front matter is invalid ({problems}). Write it as:\n{example}"
        ) from exc


def review_paths(folder: Path) -> list[Path]:
    """Return the reviews in order."""
    return sorted(folder.glob("[0-9][0-9][0-9].md"))


def write_review(folder: Path, text: str) -> tuple[Path, Review]:
    """Validate ``text`` and write it as the next ``NNN.md``; return its path and decision."""
    review, _ = parse_review(text)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(review_paths(folder)) + 1:03d}.md"
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path, review
