"""Split Markdown with YAML front matter (``---`` / yaml / ``---`` / body)."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["FrontMatterError", "join_front_matter", "split_front_matter"]


class FrontMatterError(ValueError):
    """The text has no front matter, or it is not a YAML mapping."""


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return the front matter mapping and the body.

    Raises:
        FrontMatterError: the text does not start with a ``---`` YAML block.
    """
    stripped = text.lstrip("\ufeff \n\r\t")
    if not stripped.startswith("---"):
        raise FrontMatterError(
            "the text must start with a '---' line opening the YAML front matter"
        )
    parts = stripped.split("\n")
    try:
        end = next(i for i, line in enumerate(parts[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise FrontMatterError("the YAML front matter is not closed by a '---' line") from None
    try:
        data = yaml.safe_load("\n".join(parts[1:end])) or {}
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"the front matter is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"the front matter must be a YAML mapping, not {type(data).__name__}"
        )
    return data, "\n".join(parts[end + 1 :]).lstrip("\n")


def join_front_matter(data: dict[str, Any], body: str) -> str:
    """Return Markdown with ``data`` as YAML front matter."""
    head = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).strip()
    return f"---\n{head}\n---\n\n{body.strip()}\n"
