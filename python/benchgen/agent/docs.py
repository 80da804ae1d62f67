"""Offline documentation for ``get_docs_for``: bundled notes plus docstrings via inspect.

No network: a topic name returns a bundled note (``notes/<topic>.md``); any other name is
looked up in benchgen's family API, then build123d and mujoco, and answered with its
signature, docstring and public members.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from benchgen import resources

__all__ = ["docs_for", "topics"]

_NOTES = resources.package_path("agent", "notes")
_SEARCH = (
    "benchgen.families.base",
    "benchgen.cad.pieces",
    "benchgen.spec.models",
    "build123d",
    "mujoco",
)
_MAX = 6000


def topics() -> list[str]:
    """Return the names of the bundled notes."""
    return sorted(p.stem for p in _NOTES.glob("*.md"))


def _resolve(name: str) -> Any | None:
    """Return the object a dotted or bare name refers to, or None."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj
    for module_name in _SEARCH:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    return None


def _describe(name: str, obj: Any) -> str:
    """Return signature, docstring and public members of ``obj``."""
    lines = [f"# {name}"]
    try:
        lines.append(f"{name}{inspect.signature(obj)}")
    except (TypeError, ValueError):
        pass
    lines.append(inspect.getdoc(obj) or "(no docstring)")
    if inspect.isclass(obj) or inspect.ismodule(obj):
        members = []
        for member, value in inspect.getmembers(obj):
            if member.startswith("_"):
                continue
            doc = (inspect.getdoc(value) or "").split("\n", 1)[0]
            members.append(f"- {member}: {doc[:120]}")
        lines.append("\nPublic members:\n" + "\n".join(members[:80]))
    text = "\n".join(lines)
    return text if len(text) <= _MAX else text[:_MAX] + "\n... (cut)"


def docs_for(name: str) -> str:
    """Return docs for a topic or a name (``Box``, ``build123d.Box``, ``mujoco.MjModel``)."""
    key = name.strip()
    note = _NOTES / f"{key.lower()}.md"
    if key and note.is_file():
        return note.read_text(encoding="utf-8")
    obj = _resolve(key) if key else None
    if obj is None:
        return (
            f"no documentation found for {name!r}. Topics: {', '.join(topics())}; or a name in "
            f"{', '.join(_SEARCH)} (e.g. 'box_piece', 'Layout', 'build123d.Box', 'mujoco.MjModel')."
        )
    return _describe(key, obj)
