"""The mount part of the bwrap command line: what the sandboxed code can see.

The whole host is bound read-only, ``/tmp`` is replaced by a private tmpfs and the
workspace is bound writable on top of it (so a workspace under the host's ``/tmp``
still works). When the code runs as an unprivileged uid, the paths it must reach
(the interpreter's prefix, the venv, the script) may sit under a directory that uid
cannot traverse, such as pyenv's ``/root/.pyenv``: that directory is then covered by
an empty tmpfs and only the needed paths are bound back into it, which also keeps
the rest of it (``/root``'s keys and tokens) out of sight.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["mount_args", "python_roots"]

_TMP = "/tmp"


def _ancestors(path: str) -> list[str]:
    """Return the proper ancestors of an absolute path, outermost first."""
    parts = Path(path).parents
    return [str(parent) for parent in reversed(parts)]


def _within(path: str, root: str) -> bool:
    """Tell whether ``path`` is ``root`` or lies below it."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def _others_can_traverse(path: str) -> bool:
    """Tell whether a uid owning nothing on the host can enter ``path``."""
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def _blocking_ancestor(path: str, *, unprivileged: bool) -> str | None:
    """Return the outermost ancestor the sandbox uid cannot traverse, if any."""
    if not unprivileged:
        return None
    for ancestor in _ancestors(path)[1:]:
        if _within(ancestor, _TMP):
            return None  # replaced by the private tmpfs, whose folders bwrap creates
        if not _others_can_traverse(ancestor):
            return ancestor
    return None


def python_roots(python: str) -> list[str]:
    """Return the folders ``python`` needs: its prefixes and its import path."""
    candidates: set[str] = set()
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        candidates |= {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        candidates |= {entry for entry in sys.path if entry and os.path.isdir(entry)}
    for path in (python, os.path.realpath(python)):
        candidates.add(str(Path(path).parent.parent))  # PREFIX/bin/python -> PREFIX
    resolved = {os.path.realpath(path) for path in candidates if os.path.exists(path)}
    return sorted(resolved - {"/"})


def _mkdirs(below: str, path: str, made: set[str]) -> list[str]:
    """Create world-traversable folders between ``below`` and ``path`` (bwrap's are 0700)."""
    args: list[str] = []
    for folder in _ancestors(path):
        if _within(folder, below) and folder != below and folder not in made:
            args += ["--perms", "0755", "--dir", folder]
            made.add(folder)
    return args


def mount_args(
    *, read_only: Iterable[str], writable: str, tmp_bytes: int, unprivileged: bool
) -> list[str]:
    """Return the bwrap mount arguments for the sandbox's view of the filesystem.

    Args:
        read_only: Absolute real paths the code must be able to read.
        writable: The absolute real path of the workspace, bound read-write.
        tmp_bytes: Size of the private ``/tmp`` tmpfs.
        unprivileged: Whether the code runs as a uid that owns nothing on the host.
    """
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", _TMP]
    binds = [(path, False) for path in read_only if not _within(path, writable)]
    binds.append((writable, True))
    blocked = {_blocking_ancestor(path, unprivileged=unprivileged) for path, _ in binds}
    hidden = sorted(
        (path for path in blocked if path is not None), key=lambda path: path.count("/")
    )
    hidden = [path for path in hidden if not any(_within(path, h) and path != h for h in hidden)]
    for folder in hidden:
        args += ["--perms", "0755", "--tmpfs", folder]
    made = {*hidden, _TMP}
    for path, rw in sorted(binds, key=lambda bind: bind[0].count("/")):
        covering = [h for h in [*hidden, _TMP] if _within(path, h) and path != h]
        if not covering and not rw:
            continue  # already visible through the read-only bind of /
        if covering:
            args += _mkdirs(covering[0], path, made)
        args += ["--bind" if rw else "--ro-bind", path, path]
    return args
