"""gdlint (gdtoolkit) passes on every GDScript file of the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_SKIP = {".godot", ".venv", ".cache", ".git", "node_modules"}


def _gd_files() -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in _SKIP]  # prune .venv & co. before walking them
        found += [Path(folder) / f for f in files if f.endswith(".gd")]
    return sorted(found)


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_there_are_gdscript_files() -> None:
    assert len(_gd_files()) >= 10


def test_gdlint_passes_on_every_gd_file() -> None:
    # One process for all files: gdlint names each offending file and line.
    files = [str(p) for p in _gd_files()]
    proc = subprocess.run([_tool("gdlint"), *files], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
