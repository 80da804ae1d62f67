"""The filesystem an agent run lives in, and the file tools confined to it.

Layout (the generator spec, section 3.1.2)::

    skills/        read-only: the skills chosen for this run (SKILL.md each)
    utils/         read-only: tools.py (re-exports benchgen.agent.tools), run_tool.py, README.md
    renders/       written by the simulate tool: images/ (24 views, contact sheet), videos/
    reviews/       NNN.md, one per review, YAML front matter validated by reviews.Review
    journal.md     episodic memory, one entry per graph step (append-only for agents)
    todo.md        the Planner's checkbox list; the Coder ticks it off
    plan.md        the Planner's plan; read-only for the Coder and the Reviewer
    script.py      the Family module the Coder writes

Paths given by a model are resolved against the workspace root and refused when they
leave it (``..``, absolute paths elsewhere, symlinks pointing out). Each role has its own
writable set. ``skills/``, ``utils/`` and ``plan.md`` are also chmod'ed read-only, and
their contents are checked after each sandboxed run and restored if the code changed them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from benchgen.errors import AgentError

__all__ = ["Role", "ToolError", "Workspace"]

Role = Literal["planner", "coder", "reviewer", "system"]

_READ_ONLY_DIRS = ("skills", "utils")
_TOOL_DIRS = ("renders", "reviews")
_PRIVATE = (".sim", ".promote", ".cache")
_WRITABLE: dict[str, tuple[str, ...] | None] = {
    "planner": ("plan.md", "todo.md"),
    "coder": None,  # anything but the protected paths below
    "reviewer": (),
    "system": None,
}
_MAX_READ = 60_000

_UTILS_TOOLS = '''"""The benchgen tools for agent code: ``from utils.tools import validate``."""

from benchgen.agent.tools import get_docs_for, simulate, submit_for_review, validate

__all__ = ["get_docs_for", "simulate", "submit_for_review", "validate"]
'''
_UTILS_RUNNER = '''"""Run one benchgen tool on a family file and print its JSON result."""

import sys

from benchgen.agent.tools import main

sys.exit(main(sys.argv[1:]))
'''
_UTILS_README = """# utils (read-only)

- `tools.py`: `validate(family_file) -> ValidationReport` (truthy when valid on every seed),
  `simulate(family_file, seed=0, renders=False) -> SimulationReport`,
  `submit_for_review(notes="")`, `get_docs_for(name) -> str`.
- `run_tool.py`: `python utils/run_tool.py validate script.py` (what the host's tools run).
"""


class ToolError(AgentError, ValueError):
    """A tool call the agent got wrong; its message is fed back to the model."""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Workspace:
    """One run's folder and the file operations an agent role may perform in it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._protected: dict[str, bytes] = {}

    # Set-up --------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, *, skills: Mapping[str, Path] | None = None) -> Workspace:
        """Create (or reopen) a workspace; copy skill folders (by name) into skills/."""
        ws = cls(root)
        ws.root.mkdir(parents=True, exist_ok=True)
        for sub in ("renders/images", "renders/videos", "reviews"):
            (ws.root / sub).mkdir(parents=True, exist_ok=True)
        for name in ("journal.md", "todo.md", "plan.md", "script.py"):
            (ws.root / name).touch()
        if not (ws.root / "utils").exists():
            ws._write_utils()
        if not (ws.root / "skills").exists():
            (ws.root / "skills").mkdir()
            for name, folder in sorted((skills or {}).items()):
                shutil.copytree(folder, ws.root / "skills" / name)
        ws.seal()
        return ws

    def _write_utils(self) -> None:
        utils = self.root / "utils"
        utils.mkdir()
        (utils / "tools.py").write_text(_UTILS_TOOLS, encoding="utf-8")
        (utils / "run_tool.py").write_text(_UTILS_RUNNER, encoding="utf-8")
        (utils / "README.md").write_text(_UTILS_README, encoding="utf-8")

    def _protected_files(self) -> list[Path]:
        files = [
            p for d in _READ_ONLY_DIRS for p in sorted((self.root / d).rglob("*")) if p.is_file()
        ]
        return [*files, self.root / "plan.md"]

    def seal(self) -> None:
        """Make skills/ and utils/ read-only and remember their contents (and plan.md's)."""
        for folder in _READ_ONLY_DIRS:
            for path in [self.root / folder, *(self.root / folder).rglob("*")]:
                mode = stat.S_IMODE(path.stat().st_mode)
                path.chmod(mode & ~0o222)
        self._protected = {
            p.relative_to(self.root).as_posix(): p.read_bytes() for p in self._protected_files()
        }

    def restore_protected(self) -> list[str]:
        """Undo changes sandboxed code made to read-only files; return what was restored."""
        restored = []
        current = {
            p.relative_to(self.root).as_posix() for p in self._protected_files() if p.is_file()
        }
        for rel, data in self._protected.items():
            path = self.root / rel
            if not path.is_file() or path.read_bytes() != data:
                path.parent.chmod(0o755)
                if path.exists():
                    path.chmod(0o644)
                path.write_bytes(data)
                restored.append(rel)
        for rel in sorted(current - set(self._protected)):
            (self.root / rel).parent.chmod(0o755)
            (self.root / rel).unlink()
            restored.append(rel)
        if restored:
            self.seal()
        return restored

    def set_plan_baseline(self) -> None:
        """Record plan.md as written by the Planner (it is read-only from then on)."""
        self._protected["plan.md"] = (self.root / "plan.md").read_bytes()

    # Paths ---------------------------------------------------------------------------

    def resolve(self, path: str) -> Path:
        """Return the absolute path of ``path`` inside the workspace.

        Raises:
            ToolError: the path is empty or leaves the workspace.
        """
        if not isinstance(path, str) or not path.strip():
            raise ToolError(
                "the path is empty: give a path relative to the workspace, e.g. 'script.py'"
            )
        candidate = Path(path.strip())
        full = candidate if candidate.is_absolute() else self.root / candidate
        real = Path(os.path.realpath(full))
        if real != self.root and self.root not in real.parents:
            raise ToolError(
                f"{path!r} is outside the workspace; use paths relative to it such as "
                "'script.py' or 'skills/<name>/SKILL.md'"
            )
        return real

    def rel(self, path: Path) -> str:
        """Return ``path`` relative to the workspace root."""
        return path.relative_to(self.root).as_posix() or "."

    def check_writable(self, path: str, role: Role) -> Path:
        """Return the resolved path if ``role`` may write it.

        Raises:
            ToolError: the path is outside the workspace or not writable by the role.
        """
        full = self.resolve(path)
        rel = self.rel(full)
        top = rel.split("/", 1)[0]
        allowed = _WRITABLE[role]
        if role == "system":
            return full
        if allowed is not None:
            if rel not in allowed:
                names = ", ".join(allowed) or "nothing (use write_review)"
                raise ToolError(f"the {role} may not write {rel!r}; it may write: {names}")
            return full
        if (
            top in _READ_ONLY_DIRS
            or top in _TOOL_DIRS
            or top in _PRIVATE
            or rel in ("plan.md", "journal.md")
        ):
            raise ToolError(
                f"{rel!r} is read-only for the {role}: skills/, utils/ and plan.md are fixed, "
                "renders/ and reviews/ are written by tools, journal.md is appended by the host. "
                "Write script.py, todo.md or your own helper files instead."
            )
        return full

    # File tools ----------------------------------------------------------------------

    def ls(self, path: str = ".") -> str:
        """Return a listing of a folder (names, '/' after folders, sizes)."""
        folder = self.resolve(path or ".")
        if not folder.is_dir():
            raise ToolError(f"{path!r} is not a folder in the workspace")
        lines = []
        for child in sorted(folder.iterdir()):
            if child.name.startswith(".") and folder == self.root:
                continue
            if child.is_dir():
                lines.append(f"{child.name}/")
            else:
                lines.append(f"{child.name}  ({child.stat().st_size} bytes)")
        return "\n".join(lines) or "(empty)"

    def read(self, path: str) -> str:
        """Return a text file's content (cut at 60 000 characters)."""
        full = self.resolve(path)
        if not full.is_file():
            raise ToolError(f"{path!r} is not a file; list the folder with ls first")
        text = full.read_text(encoding="utf-8", errors="replace")
        if len(text) > _MAX_READ:
            return text[:_MAX_READ] + f"\n... (cut: {len(text)} characters in all)"
        return text

    def write(self, path: str, content: str, *, role: Role) -> str:
        """Write a whole text file."""
        if not isinstance(content, str):
            raise ToolError("'content' must be a string with the whole file")
        full = self.check_writable(path, role)
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(content, encoding="utf-8")
        return f"wrote {self.rel(full)} ({len(content)} characters)"

    def edit(self, path: str, old: str, new: str, *, role: Role) -> str:
        """Replace one exact, unique occurrence of ``old`` by ``new``."""
        full = self.check_writable(path, role)
        if not full.is_file():
            raise ToolError(f"{path!r} does not exist; create it with write")
        text = full.read_text(encoding="utf-8")
        count = text.count(old) if old else 0
        if count != 1:
            found = "not found" if count == 0 else f"found {count} times"
            raise ToolError(
                f"edit needs 'old' to occur exactly once in {path!r}, but it was {found}; "
                "read the file and copy a longer, unique snippet"
            )
        full.write_text(text.replace(old, new, 1), encoding="utf-8")
        return f"edited {self.rel(full)}"

    # Artifacts -----------------------------------------------------------------------

    def text(self, rel: str) -> str:
        """Return a workspace file's text, or '' if it does not exist."""
        path = self.root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def script_sha(self) -> str:
        """Return the sha256 of script.py."""
        return _sha(self.root / "script.py")

    def append_journal(self, step: str, *, intent: str, result: str, reflection: str) -> None:
        """Append one journal entry under ``## <step>``."""
        entry = (
            f"## {step}\n\n### Intent\n\n{intent.strip() or '-'}\n\n"
            f"### Result\n\n{result.strip() or '-'}\n\n"
            f"### Reflection\n\n{reflection.strip() or '-'}\n\n"
        )
        journal = self.root / "journal.md"
        if not journal.read_text(encoding="utf-8").strip():
            journal.write_text("# Journal\n\n", encoding="utf-8")
        with journal.open("a", encoding="utf-8") as out:
            out.write(entry)

    def images(self, limit: int) -> list[Path]:
        """Return up to ``limit`` render images, the contact sheet first."""
        images = sorted((self.root / "renders/images").glob("*.png"))
        images.sort(key=lambda p: (("sheet" not in p.name), p.name))
        return images[:limit]
