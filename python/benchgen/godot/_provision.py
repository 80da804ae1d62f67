"""Provision Debian sid's Godot 4 in a minimal root (``benchgen godot setup --native``).

Debian bookworm ships only Godot 3.2; its sid suite ships ``godot`` 4.6.3, the full editor
as a debug build with Jolt. The root is built this way (checked on these machines):
``debootstrap --variant=minbase sid`` (debootstrap's default mirror: no mirror argument),
then ``apt-get install --no-install-recommends`` inside it through bubblewrap
(``--perms 1777`` on ``/tmp``: apt's sandbox user cannot write a 0755 tmpfs;
``Acquire::Check-Valid-Until=false``: the registry's copy of sid can be past its
Valid-Until date). It is assembled under a temporary name beside its final place and
renamed when complete, with :data:`~benchgen.godot.native.ROOT_STAMP` written last, so an
interrupted setup never leaves a half root under the final name. A root made by hand the
same way (no stamp) is adopted: the missing packages are added, then the stamp.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from benchgen.errors import GodotError
from benchgen.godot.native import (
    GUEST_GODOT,
    MIN_VERSION,
    ROOT_STAMP,
    default_root,
    parse_version,
    root_ready,
)

__all__ = ["PACKAGES", "provision_root"]

#: What the root gets: Godot, the certificates its editor loads at start, and what a GUI
#: editor run under a virtual display needs (Xvfb, xdotool clicks, ImageMagick's
#: ``import`` for screenshots, Mesa's software OpenGL).
PACKAGES = (
    "godot",
    "ca-certificates",
    "xvfb",
    "xauth",
    "xdotool",
    "imagemagick",
    "libgl1-mesa-dri",
    "libegl-mesa0",
    "libglx-mesa0",
)
_APT = ("apt-get", "-o", "Acquire::Check-Valid-Until=false", "-q")
_PARTIAL = ".partial-"

LineCallback = Callable[[str], None]


def _in_root(root: Path, argv: list[str], on_line: LineCallback, timeout_s: float) -> str:
    """Run ``argv`` with ``root`` as ``/`` (read-write: apt writes it); return its output."""
    sandbox = ["bwrap", "--bind", str(root), "/", "--proc", "/proc", "--dev", "/dev"]
    sandbox += ["--perms", "1777", "--tmpfs", "/tmp", "--setenv", "HOME", "/root"]
    sandbox += ["--setenv", "DEBIAN_FRONTEND", "noninteractive", "--die-with-parent"]
    return _run([*sandbox, *argv], on_line, timeout_s, shown=argv)


def _run(
    cmd: list[str], on_line: LineCallback, timeout_s: float, shown: list[str] | None = None
) -> str:
    what = " ".join(shown or cmd)
    on_line(f"setup: {what}")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise GodotError(f"`{what}` did not finish within {timeout_s:.0f} s.") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise GodotError(f"`{what}` failed with exit code {proc.returncode}: {' | '.join(tail)}")
    return proc.stdout


def _check_tools() -> None:
    if os.geteuid() != 0:
        raise GodotError(
            "provisioning the native Godot needs root (debootstrap and apt write a Debian "
            "root); run scripts/setup.sh as root, or set BENCHGEN_GODOT to your own Godot 4.4+."
        )
    missing = [tool for tool in ("debootstrap", "bwrap") if shutil.which(tool) is None]
    if missing:
        raise GodotError(
            f"{' and '.join(missing)} not on PATH; install the Debian packages "
            "debootstrap and bubblewrap (scripts/setup.sh does), then run this again."
        )


def _install(root: Path, on_line: LineCallback) -> str:
    """Install :data:`PACKAGES` in ``root`` and return the Godot version it reports."""
    resolv = Path("/etc/resolv.conf")
    if resolv.is_file():
        shutil.copyfile(resolv, root / "etc" / "resolv.conf")
    _in_root(root, [*_APT, "update"], on_line, 900)
    _in_root(root, [*_APT, "install", "-y", "--no-install-recommends", *PACKAGES], on_line, 1800)
    _in_root(root, [*_APT, "clean"], on_line, 300)
    version = _in_root(root, [GUEST_GODOT, "--headless", "--version"], on_line, 120)
    line = version.strip().splitlines()[-1] if version.strip() else ""
    parsed = parse_version(line)
    if parsed is None or parsed < MIN_VERSION:
        raise GodotError(
            f"the sid root's godot reports {line or 'nothing'}, not Godot 4.4 or newer; "
            "set BENCHGEN_GODOT to a Godot 4.4+ binary instead."
        )
    return line


def _drop_stale_partials(root: Path) -> None:
    for old in root.parent.glob(f".{root.name}{_PARTIAL}*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(old, ignore_errors=True)


def provision_root(root: Path | None = None, *, on_line: LineCallback = print) -> Path:
    """Make sure a complete sid root with Godot 4 exists at ``root`` and return it.

    Idempotent: a complete root (its stamp present) is returned at once.

    Args:
        root: Where the root goes (default :func:`~benchgen.godot.native.default_root`).
        on_line: Gets a line per step (the commands run).

    Raises:
        GodotError: not root, debootstrap or bwrap missing, or a step failed.
    """
    root = (root or default_root()).resolve()
    if root_ready(root):
        return root
    _check_tools()
    if (root / GUEST_GODOT.lstrip("/")).is_file():
        on_line(f"setup: adopting the existing root {root}")
        version = _install(root, on_line)
        (root / ROOT_STAMP).write_text(version + "\n", encoding="utf-8")
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    _drop_stale_partials(root)
    partial = root.with_name(f".{root.name}{_PARTIAL}{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _run(["debootstrap", "--variant=minbase", "sid", str(partial)], on_line, 3600)
        version = _install(partial, on_line)
        (partial / ROOT_STAMP).write_text(version + "\n", encoding="utf-8")
        if root_ready(root):
            return root  # another setup finished first; keep its root
        if root.exists():
            # An unusable root under the final name (no Godot in it): set it aside first.
            aside = root.with_name(f".{root.name}.old-{os.getpid()}")
            os.replace(root, aside)
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(partial, root)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return root
