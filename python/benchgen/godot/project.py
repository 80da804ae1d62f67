"""Read and patch a Godot project's ``project.godot`` (the settings benchgen uses).

``project.godot`` is an INI-like text file: ``[section]`` headers, then ``key=value`` lines
whose values are Godot literals (strings in double quotes). Only what benchgen needs is
here: read one string setting, set one in a copy of the text, and the benchmark scene.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "BENCHMARK_SETTING",
    "DEFAULT_BENCHMARK_SCENE",
    "benchmark_scene",
    "read_setting",
    "with_setting",
]

#: The project setting naming the benchmark scene (``[benchgen] benchmark/scene=...``).
BENCHMARK_SETTING = ("benchgen", "benchmark/scene")
#: The benchmark scene when the setting is absent (the addon's own GDScript agrees).
DEFAULT_BENCHMARK_SCENE = "res://benchmarking/benchmarker.tscn"


def _section(text: str, section: str) -> tuple[int, int] | None:
    """Return where the body of ``[section]`` starts and ends in ``text``."""
    header = re.search(rf"^\[{re.escape(section)}\][ \t]*$", text, re.M)
    if header is None:
        return None
    following = re.search(r"^\[", text[header.end() :], re.M)
    end = header.end() + following.start() if following else len(text)
    return header.end(), end


def read_setting(text: str, section: str, key: str) -> str | None:
    """Return the string value of ``[section] key`` in project.godot ``text``, or None."""
    span = _section(text, section)
    if span is None:
        return None
    match = re.search(rf'^{re.escape(key)}="((?:[^"\\]|\\.)*)"\s*$', text[span[0] : span[1]], re.M)
    return match.group(1).replace('\\"', '"').replace("\\\\", "\\") if match else None


def with_setting(text: str, section: str, key: str, value: str) -> str:
    """Return project.godot ``text`` with ``[section] key="value"`` set (added when absent)."""
    literal = value.replace("\\", "\\\\").replace('"', '\\"')
    line = f'{key}="{literal}"'
    span = _section(text, section)
    if span is None:
        return text.rstrip("\n") + f"\n\n[{section}]\n\n{line}\n"
    body = text[span[0] : span[1]]
    existing = re.compile(rf"^{re.escape(key)}=[^\n]*$", re.M)
    if existing.search(body):
        body = existing.sub(lambda _m: line, body, count=1)
    else:
        body = f"\n\n{line}\n" + body.lstrip("\n")
    return text[: span[0]] + body + text[span[1] :]


def benchmark_scene(project: Path) -> str:
    """Return the res:// path of ``project``'s benchmark scene (the setting, else the default)."""
    text = (project / "project.godot").read_text(encoding="utf-8")
    value = read_setting(text, *BENCHMARK_SETTING)
    return value.strip() if value and value.strip() else DEFAULT_BENCHMARK_SCENE
