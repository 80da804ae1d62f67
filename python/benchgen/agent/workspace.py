"""The filesystem an agent run lives in, and the file tools confined to it.

Layout (the generator spec §3.1.2, see docs/architecture.md#where-the-seeds-terms-map)::

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
writable set. Sandboxed code sees the :data:`PROTECTED` names bound read-only and its
changes come back through the sandbox's copy (regular files only, protected names never);
``skills/``, ``utils/`` and ``plan.md`` are also checked after each run and replaced,
never followed, if anything differs from what the host sealed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from benchgen.errors import AgentError

__all__ = ["PROTECTED", "Role", "ToolError", "Workspace"]

Role = Literal["planner", "coder", "reviewer", "system"]

_READ_ONLY_DIRS = ("skills", "utils")
#: Names sandboxed code may read but never change: bound read-only, never copied back.
PROTECTED = (*_READ_ONLY_DIRS, "plan.md", "journal.md", "trace.jsonl")
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
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


@contextlib.contextmanager
def _opened(path: str | Path, flags: int, dir_fd: int | None = None) -> Iterator[int]:
    fd = os.open(path, flags, dir_fd=dir_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _read_file(root: int, rel: str, *, strict: bool = True) -> bytes | None:
    """Return a regular file's bytes below ``root``; None (or an error) for anything else."""
    data = None
    parent = _parent(root, rel)
    if parent is not None:
        try:
            with _opened(rel.rsplit("/", 1)[-1], _READ, parent) as fd:
                st = os.fstat(fd)
                if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
                    data = b"".join(iter(lambda: os.read(fd, 1 << 20), b""))
        except OSError:
            pass
        finally:
            if parent != root:
                os.close(parent)
    if data is None and strict:
        raise AgentError(f"{rel} in the workspace is not a regular file the host wrote")
    return data


def _parent(root: int, rel: str) -> int | None:
    """Open the folder holding ``rel`` below ``root`` without following links (None if absent)."""
    fd = root
    for folder in rel.split("/")[:-1]:
        try:
            sub = os.open(folder, _DIR, dir_fd=fd)
        except OSError:
            sub = None
        if fd != root:
            os.close(fd)
        if sub is None:
            return None
        fd = sub
    return fd


def _read_tree(root: int, tops: tuple[str, ...], *, strict: bool = True) -> dict[str, bytes | None]:
    """Return every file below the folders ``tops`` (a non-file maps to None)."""
    found: dict[str, bytes | None] = {}

    def walk(fd: int, prefix: str) -> None:
        for name in sorted(os.listdir(fd)):
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                with _opened(name, _DIR, fd) as sub:
                    walk(sub, f"{prefix}{name}/")
            else:
                found[prefix + name] = _read_file(fd, name, strict=strict)

    for top in tops:
        try:
            with _opened(top, _DIR, root) as fd:
                walk(fd, top + "/")
        except OSError:
            if strict:
                raise
            found[top] = None
    return found


def _is_dir(root: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=root, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False


def _remove(root: int, name: str) -> None:
    """Remove an entry of the workspace root, a folder with everything in it; follow nothing."""
    try:
        mode = os.stat(name, dir_fd=root, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        with _opened(name, _DIR, root) as fd:
            _make_writable(fd)
        shutil.rmtree(name, dir_fd=root)
    else:
        os.unlink(name, dir_fd=root)


def _make_writable(fd: int) -> None:
    os.fchmod(fd, 0o755)
    for name in os.listdir(fd):
        if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            with _opened(name, _DIR, fd) as sub:
                _make_writable(sub)


def _write_new(root: int, rel: str, data: bytes | None) -> None:
    """Create ``rel`` below ``root`` with ``data``: new folders, O_EXCL, no link followed."""
    if data is None:
        return
    *folders, name = rel.split("/")
    fd = root
    try:
        for folder in folders:
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder, 0o755, dir_fd=fd)
            sub = os.open(folder, _DIR, dir_fd=fd)
            if fd != root:
                os.close(fd)
            fd = sub
        with _opened(name, _WRITE, fd) as out:
            os.write(out, data)
    finally:
        if fd != root:
            os.close(fd)


def _make_read_only(root: int, top: str) -> None:
    """Drop every write bit below ``top`` through descriptors (no chmod through a link)."""

    def walk(fd: int) -> None:
        for name in os.listdir(fd):
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                with _opened(name, _DIR, fd) as sub:
                    walk(sub)
            elif stat.S_ISREG(mode):
                with _opened(name, _READ, fd) as file:
                    os.fchmod(file, stat.S_IMODE(os.fstat(file).st_mode) & ~0o222)
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & ~0o222)

    with contextlib.suppress(FileNotFoundError), _opened(top, _DIR, root) as fd:
        walk(fd)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Workspace:
    """One run's folder and the file operations an agent role may perform in it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._protected: dict[str, bytes | None] = {}

    # Set-up --------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, *, skills: Mapping[str, Path] | None = None) -> Workspace:
        """Create (or reopen) a workspace; write utils/ and copy skill folders into skills/.

        On a reopened workspace, utils/ and skills/ are written afresh from their sources
        and any top-level file that is not a regular file is replaced by an empty one, so
        what :meth:`seal` records comes from the host, never from earlier agent code.
        """
        ws = cls(root)
        ws.root.mkdir(parents=True, exist_ok=True)
        with _opened(ws.root, _DIR) as fd:
            for name in (*_READ_ONLY_DIRS, "renders", "reviews"):
                if name in _READ_ONLY_DIRS or not _is_dir(fd, name):
                    _remove(fd, name)
            for name in ("journal.md", "todo.md", "plan.md", "script.py"):
                if _read_file(fd, name, strict=False) is None:
                    _remove(fd, name)
                    _write_new(fd, name, b"")
        for sub in ("renders/images", "renders/videos", "reviews"):
            (ws.root / sub).mkdir(parents=True, exist_ok=True)
        ws._write_utils()
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

    def seal(self) -> None:
        """Make skills/ and utils/ read-only and remember their contents (and plan.md's)."""
        with _opened(self.root, _DIR) as root:
            self._protected = {
                **_read_tree(root, _READ_ONLY_DIRS),
                "plan.md": _read_file(root, "plan.md"),
            }
            for folder in _READ_ONLY_DIRS:
                _make_read_only(root, folder)

    def restore_protected(self) -> list[str]:
        """Put back skills/, utils/ and plan.md as sealed; return the paths that differed.

        Whatever sits at a protected path is replaced, never followed or opened for
        writing: a symlink, FIFO or folder there is unlinked, and the file is written
        again with ``O_CREAT | O_EXCL | O_NOFOLLOW`` below a descriptor of its folder.
        """
        with _opened(self.root, _DIR) as root:
            current = _read_tree(root, _READ_ONLY_DIRS, strict=False)
            current["plan.md"] = _read_file(root, "plan.md", strict=False)
            changed = sorted(
                rel
                for rel in set(current) | set(self._protected)
                if current.get(rel) != self._protected.get(rel)
            )
            if not changed:
                return []
            for top in {rel.split("/", 1)[0] for rel in changed}:
                _remove(root, top)
            for rel, data in sorted(self._protected.items()):
                if rel.split("/", 1)[0] in {c.split("/", 1)[0] for c in changed}:
                    _write_new(root, rel, data)
            for folder in _READ_ONLY_DIRS:
                _make_read_only(root, folder)
        return changed

    def set_plan_baseline(self) -> None:
        """Record plan.md as written by the Planner (it is read-only from then on)."""
        with _opened(self.root, _DIR) as root:
            self._protected["plan.md"] = _read_file(root, "plan.md")

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
