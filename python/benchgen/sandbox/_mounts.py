"""The mount part of the bwrap command line: what the sandboxed code can see.

Nothing of the host is visible unless it is listed here. The sandbox's ``/`` is an empty
tmpfs, made read-only once everything is mounted, holding:

- ``/usr`` and ``/etc`` read-only, and ``/bin``, ``/lib``, ... as on the host (symlinks into
  ``/usr`` on a merged-/usr system): what the interpreter and its libraries load;
- the interpreter's prefixes, its site-packages and the benchgen sources, read-only;
- a private ``/dev``, ``/proc``, and size-limited tmpfs on ``/tmp`` and ``/dev/shm``;
- the workspace: a tmpfs of the disk quota at the workspace's own path (the launcher
  copies the host folder in and out), with the protected names bound read-only over it.

So ``/run``, ``/var``, ``/mnt``, ``/srv``, ``/home``, ``/root``, the dataset, the store, agent
checkpoints and other runs are simply not there, and no host UNIX socket is reachable.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["mount_args", "python_roots"]

_SYSTEM = ("/usr", "/etc")
_TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def _within(path: str, root: str) -> bool:
    """Tell whether ``path`` is ``root`` or lies below it."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def python_roots(python: str) -> list[str]:
    """Return the folders ``python`` needs: its prefixes, site-packages and benchgen's sources."""
    candidates: set[str] = set()
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        candidates |= {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        candidates |= set(site.getsitepackages())
    for path in (python, os.path.realpath(python)):
        candidates.add(str(Path(path).parent.parent))  # PREFIX/bin/python -> PREFIX
    candidates.add(benchgen_path())
    resolved = {os.path.realpath(path) for path in candidates if os.path.isdir(path)}
    return sorted(resolved - {"/"})


def benchgen_path() -> str:
    """Return the folder that holds the ``benchgen`` package (the sandbox's PYTHONPATH)."""
    return str(Path(__file__).resolve().parents[2])


def _system() -> list[str]:
    args: list[str] = []
    for path in _SYSTEM:
        if os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in _TOP_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


def _parents(path: str, made: set[str]) -> list[str]:
    """Create the folders above ``path`` in the sandbox's root, world-traversable."""
    args: list[str] = []
    for parent in reversed(Path(path).parents):
        folder = str(parent)
        if folder != "/" and folder not in made:
            args += ["--perms", "0755", "--dir", folder]
            made.add(folder)
    return args


def mount_args(
    *,
    read_only: Iterable[str],
    workspace: str,
    protected: Iterable[str],
    disk_bytes: int,
    tmp_bytes: int,
) -> list[str]:
    """Return the bwrap mount arguments for the sandbox's view of the filesystem.

    Args:
        read_only: Absolute real paths the code must be able to read.
        workspace: The absolute real path of the workspace; a tmpfs of ``disk_bytes``.
        protected: Absolute paths inside the workspace, bound read-only over the tmpfs.
        disk_bytes: Size of the workspace tmpfs (the disk quota).
        tmp_bytes: Size of the private ``/tmp`` and ``/dev/shm``.
    """
    args = [*_system(), "--dev", "/dev", "--proc", "/proc"]
    args += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    args += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/dev/shm"]
    made = {"/tmp", "/dev", "/proc"}
    bound: list[str] = []
    for path in sorted(set(read_only), key=lambda p: (p.count("/"), p)):
        covered = [*_SYSTEM, *bound, workspace]
        if any(_within(path, root) for root in covered):
            continue
        args += [*_parents(path, made), "--ro-bind", path, path]
        bound.append(path)
    args += _parents(workspace, made)
    args += ["--perms", "0700", "--size", str(disk_bytes), "--tmpfs", workspace]
    for path in protected:
        args += ["--ro-bind", path, path]
    return [*args, "--remount-ro", "/"]
