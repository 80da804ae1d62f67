"""What benchgen owns of a Godot text resource (``.tscn``, ``.tres``): its canonical form.

A scenario folder records the sha256 of each file. The Godot editor re-saves a scene in
its own format without changing what the scene is (checked on Godot 4.6.3): it adds
``uid`` attributes and a ``unique_id`` to every node, drops ``load_steps``, writes
resource paths as absolute ``res://`` paths, puts properties in class order and reformats
numbers. The canonical form removes exactly those differences, so a scene the editor
opened and saved hashes like the one benchgen wrote, and any real change (a value, a
node, a resource, a reference) still shows:

* section headers keep their kind and attributes but ``load_steps``, ``uid`` and
  ``unique_id``; an ``ext_resource`` path that names a file of the scenario folder is
  written relative to the file, however it was written;
* properties are sorted by name; decimal numbers outside strings are written as the
  float32 they read as (Godot's vectors are single precision; integers stay exact);
  blank lines are dropped.

Files that are not UTF-8 text are hashed as they are.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

import numpy as np

__all__ = ["canonical_text", "is_godot_text"]

_SECTION = re.compile(r"^\[(?P<tag>\w+)(?P<attrs>.*)\]\s*$")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s\]]+)')
_PROPERTY = re.compile(r"^(?P<key>[\w/:.\-]+) = (?P<value>.*)$")
_DROPPED_ATTRS = frozenset({"load_steps", "uid", "unique_id"})
# A quoted string, or a number that is not part of a name (Vector3, id_2).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])')
_SUFFIXES = (".tscn", ".tres")


def is_godot_text(rel: str) -> bool:
    """Return whether the folder-relative path ``rel`` is a Godot text resource."""
    return rel.endswith(_SUFFIXES)


def _number(token: str) -> str:
    """Return a float token as the shortest text of its float32; strings, integers as they are."""
    if token[0] == '"' or not any(c in token for c in ".eE"):
        return token
    out = np.format_float_positional(np.float32(float(token)), unique=True, trim="-")
    return "0" if out == "-0" else out


def _values(value: str) -> str:
    return _TOKEN.sub(lambda m: _number(m.group(0)), value)


def _path(value: str, here: str, project: Path | None, folder: Path) -> str:
    """Return an ext_resource ``path`` relative to ``here`` when it names a folder file."""
    raw = value.strip('"')
    if raw.startswith("res://"):
        if project is None:
            return value
        target = project / raw.removeprefix("res://")
    elif "://" in raw:
        return value
    else:
        target = folder / posixpath.normpath(posixpath.join(here, raw))
    try:
        inside = Path(os.path.normpath(target)).relative_to(folder)
    except ValueError:
        return value
    return '"' + posixpath.relpath(inside.as_posix(), here) + '"'


def _header(line: str, here: str, project: Path | None, folder: Path) -> str:
    match = _SECTION.match(line)
    if match is None:
        return line
    attrs = []
    for key, value in _ATTR.findall(match.group("attrs")):
        if key in _DROPPED_ATTRS:
            continue
        if key == "path" and match.group("tag") == "ext_resource":
            value = _path(value, here, project, folder)
        attrs.append(f"{key}={value}")
    return f"[{match.group('tag')} {' '.join(sorted(attrs))}]"


def canonical_text(data: bytes, rel: str, folder: Path, project: Path | None) -> bytes:
    """Return the canonical form of the Godot text resource ``data`` (see the module doc).

    Args:
        data: the file's bytes.
        rel: its path relative to the scenario folder, e.g. ``godot/scene.tscn``.
        folder: the scenario folder.
        project: the Godot project the folder is in (for ``res://`` paths), or None.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    here = posixpath.dirname(rel)
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if _SECTION.match(line):
            sections.append((_header(line, here, project, folder), []))
        elif sections and _PROPERTY.match(line):
            sections[-1][1].append(line)
        elif sections and sections[-1][1]:
            sections[-1][1][-1] += "\n" + line  # a value spanning lines
        else:
            sections.append((line, []))
    out = []
    for head, props in sections:
        out.append(head)
        out += sorted(_values(prop) for prop in props)
    return ("\n".join(out) + "\n").encode("utf-8")
