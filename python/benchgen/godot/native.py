"""A native Godot 4: the user's own, else the one benchgen provisions in a minimal Debian root.

A user's Godot 4.4+ always wins: ``BENCHGEN_GODOT`` names the binary, else ``godot`` on
PATH when it is a 4.4+ build (Debian's own ``godot`` package is 3.2 before the sid suite).
Without one, benchgen uses the Godot of Debian sid (``godot`` 4.6.3, a debug build with
Jolt) that ``benchgen godot setup --native`` installs in a minimal sid root
(:mod:`benchgen.godot._provision`), cached outside any checkout so every clone on the
machine shares it, and starts it through bubblewrap:

* **sandboxed** (runs, imports, editor tests): the root is ``/``, read-only, with the
  project (and any other path asked for) bound at its own path, a private ``/tmp`` and
  ``$HOME``, and ``--die-with-parent``.
* **host view** (an editor that must start host programs, e.g. the dock's Start button
  running ``benchgen serve``): the host's file system, with the root's own dynamic
  loader and libraries running its ``godot`` binary (headless only: no GPU drivers mix).
"""

from __future__ import annotations

import functools
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchgen.errors import GodotError

__all__ = [
    "ENV_GODOT",
    "ENV_GODOT_ROOT",
    "MIN_VERSION",
    "ROOT_STAMP",
    "NativeGodot",
    "default_root",
    "find_native_godot",
    "parse_version",
    "provisioned_godot",
    "root_ready",
]

ENV_GODOT = "BENCHGEN_GODOT"
ENV_GODOT_ROOT = "BENCHGEN_GODOT_ROOT"
#: The oldest Godot the addon supports (``.uid`` files, Jolt in the engine).
MIN_VERSION = (4, 4)
#: Written last into a complete root: the Godot version it holds.
ROOT_STAMP = ".benchgen-godot"
#: Where the Debian package puts the binary, inside the root.
GUEST_GODOT = "/usr/bin/godot"
#: Top-level folders of the root that hold nothing Godot needs: a tmpfs goes over each
#: one a bind needs, so the read-only root never has to grow a mount point there.
_SCRATCH_TOPS = frozenset({"tmp", "home", "root", "mnt", "media", "srv", "opt", "run"})
#: Debian multiarch triplets and loader names by machine.
_ARCH = {
    "x86_64": ("x86_64-linux-gnu", "lib64/ld-linux-x86-64.so.2"),
    "aarch64": ("aarch64-linux-gnu", "lib/ld-linux-aarch64.so.1"),
}
_VERSION = re.compile(r"^(\d+)\.(\d+)")


def default_root() -> Path:
    """Return the provisioned root: ``$BENCHGEN_GODOT_ROOT``, else the user cache.

    ``${XDG_CACHE_HOME:-~/.cache}/benchgen/godot-root``: outside any clone, so a fresh CI
    checkout on the same machine reuses it.
    """
    explicit = os.environ.get(ENV_GODOT_ROOT)
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "benchgen" / "godot-root"


def root_ready(root: Path) -> bool:
    """Return whether ``root`` is a complete provisioned root (its stamp is written last)."""
    return (root / ROOT_STAMP).is_file() and (root / GUEST_GODOT.lstrip("/")).is_file()


def parse_version(text: str) -> tuple[int, int] | None:
    """Return ``(major, minor)`` of a ``godot --version`` line such as ``4.6.3.stable``."""
    match = _VERSION.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


@functools.lru_cache(maxsize=8)
def _probe(binary: str, mtime: float) -> str:
    """Return what ``binary --version`` prints (cached per binary and modification time)."""
    del mtime  # part of the cache key only
    try:
        proc = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as exc:
        raise GodotError(f"cannot run {binary} --version: {exc.strerror or exc}") from exc
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def _version_of(binary: str) -> str:
    return _probe(binary, Path(binary).stat().st_mtime)


@dataclass(frozen=True)
class NativeGodot:
    """A native Godot 4 binary and how to start it.

    Attributes:
        executable: The binary: a host path, or :data:`GUEST_GODOT` inside :attr:`root`.
        version: What it reports, e.g. ``4.6.3.stable.debian4.6.3+ds-3``.
        origin: ``"BENCHGEN_GODOT"``, ``"PATH"`` or ``"provisioned"``.
        root: The provisioned root it runs in; None for the user's own Godot.
    """

    executable: str
    version: str
    origin: str
    root: Path | None = None

    def command(
        self,
        args: Sequence[str],
        *,
        binds: Sequence[Path] = (),
        cwd: Path | None = None,
        host_view: bool = False,
        env: dict[str, str] | None = None,
    ) -> list[str]:
        """Return the command line starting Godot with ``args``.

        Args:
            args: Godot's arguments (``--headless --path P ...``).
            binds: Host paths Godot must read and write (the project); sandbox only.
            cwd: The working folder inside the sandbox (default: the first bind).
            host_view: Start the provisioned Godot on the host's file system instead of
                inside its root (see the module docstring).
            env: Variables to set inside the sandbox.

        Raises:
            GodotError: a bind needs a mount point the read-only root cannot get.
        """
        if self.root is None:
            return [self.executable, *args]
        if host_view:
            return [*_host_loader(self.root), *args]
        return [*_sandbox(self.root, binds, cwd, env or {}), self.executable, *args]

    def guest_command(
        self,
        argv: Sequence[str],
        *,
        binds: Sequence[Path] = (),
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> list[str]:
        """Return the command running another program of the provisioned root, sandboxed.

        The root also holds Xvfb, xdotool and ImageMagick for GUI editor runs.

        Raises:
            GodotError: this Godot is the user's own, with no root to run programs from.
        """
        if self.root is None:
            raise GodotError(
                f"{argv[0]} comes from benchgen's provisioned Godot root, and this Godot is "
                f"your own ({self.executable}); run `benchgen godot setup --native` as root."
            )
        return [*_sandbox(self.root, binds, cwd, env or {}), *argv]


def _host_loader(root: Path) -> list[str]:
    machine = platform.machine()
    if machine not in _ARCH:
        raise GodotError(
            f"the provisioned Godot runs on {', '.join(_ARCH)}, not {machine}; "
            f"set {ENV_GODOT} to a Godot 4 binary for this machine."
        )
    triplet, loader = _ARCH[machine]
    libs = root / "usr" / "lib" / triplet
    return [
        str(root / loader),
        "--library-path",
        f"{libs}:{libs / 'pulseaudio'}",
        str(root / GUEST_GODOT.lstrip("/")),
    ]


def _sandbox(root: Path, binds: Sequence[Path], cwd: Path | None, env: dict[str, str]) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise GodotError(
            "bwrap (bubblewrap) is not on PATH, so the provisioned Godot cannot start; "
            f"install bubblewrap or set {ENV_GODOT} to a Godot 4 binary."
        )
    argv = [bwrap, "--ro-bind", str(root), "/", "--proc", "/proc", "--dev", "/dev"]
    argv += ["--perms", "1777", "--tmpfs", "/tmp"]
    targets = [Path(b).resolve() for b in binds]
    tops = {t.parts[1] for t in targets if len(t.parts) > 1}
    scratch = sorted(tops & (_SCRATCH_TOPS - {"tmp"}))
    for top in scratch:
        argv += ["--tmpfs", f"/{top}"]
    for target in targets:
        _mount_point(root, target)
        argv += ["--bind", str(target), str(target)]
    home = "/tmp/home"
    argv += ["--dir", home, "--setenv", "HOME", home]
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        argv += ["--unsetenv", name]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    workdir = cwd or (targets[0] if targets else Path("/"))
    return [*argv, "--die-with-parent", "--chdir", str(workdir)]


def _mount_point(root: Path, target: Path) -> None:
    """Make sure the read-only root can hold a bind of ``target`` (an empty folder)."""
    if len(target.parts) > 1 and target.parts[1] in _SCRATCH_TOPS:
        return
    inside = root / target.relative_to("/")
    if inside.is_dir():
        return
    try:
        inside.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GodotError(
            f"cannot bind {target} into the Godot root {root} ({exc.strerror or exc}); "
            "put the project under /tmp, /home or /root, or provision the root as its owner."
        ) from exc


def _user_godot() -> NativeGodot | None:
    explicit = os.environ.get(ENV_GODOT)
    if explicit:
        if not Path(explicit).is_file():
            raise GodotError(f"{ENV_GODOT}={explicit} is not a file; unset it or fix the path.")
        version = _version_of(explicit)
        parsed = parse_version(version)
        if parsed is None or parsed < MIN_VERSION:
            raise GodotError(
                f"{ENV_GODOT}={explicit} reports version {version or 'nothing'}; benchgen needs "
                "Godot 4.4 or newer: point it at a newer binary or unset it."
            )
        return NativeGodot(executable=explicit, version=version, origin=ENV_GODOT)
    found = shutil.which("godot")
    if found is None:
        return None
    version = _version_of(found)
    parsed = parse_version(version)
    # Debian bookworm ships Godot 3.2 as `godot`; it cannot run a config_version=5 project.
    if parsed is None or parsed < MIN_VERSION:
        return None
    return NativeGodot(executable=found, version=version, origin="PATH")


def find_native_godot(*, provisioned: bool = True) -> NativeGodot | None:
    """Return the native Godot to use, or None when there is none.

    Args:
        provisioned: Also consider benchgen's provisioned root (after the user's own).

    Raises:
        GodotError: ``BENCHGEN_GODOT`` is set to something that is not a Godot 4.4+.
    """
    own = _user_godot()
    if own is not None or not provisioned:
        return own
    return provisioned_godot()


def provisioned_godot() -> NativeGodot | None:
    """Return the Godot of benchgen's provisioned root, or None when it is not complete."""
    root = default_root()
    if not root_ready(root) or shutil.which("bwrap") is None:
        return None
    version = (root / ROOT_STAMP).read_text(encoding="utf-8").strip()
    return NativeGodot(executable=GUEST_GODOT, version=version, origin="provisioned", root=root)
