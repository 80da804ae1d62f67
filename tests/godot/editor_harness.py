"""Scratch Godot projects, a live ``benchgen serve`` and the real editor, for editor tests.

A scratch project holds a fresh ``project.godot`` (the physics engine and settings a test
asks for), a copy of ``addons/benchgen`` and, enabled next to it, the test driver
``tests/godot/editor`` as ``addons/benchgen_e2e``. The editor is the native Godot 4
(:func:`benchgen.godot.native.find_native_godot`): headless unless a display is given.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from benchgen.godot._process import problem_lines, run_process
from benchgen.godot.native import NativeGodot, find_native_godot
from benchgen.godot.runtime import default_project_dir

REPO = default_project_dir()
MARK = "BENCHGEN_EDITOR"
#: Errors the headless editor prints on its own (no GPU, no audio): not from benchgen.
#: The dummy renderer has no texture for the scene thumbnail a save makes.
ENGINE_NOISE = ('Parameter "t" is null.',)


def native_godot() -> NativeGodot:
    """Return the native Godot the editor tests need; fail (not skip) when there is none."""
    godot = find_native_godot()
    if godot is None:
        pytest.fail(
            "no native Godot 4: run scripts/setup.sh as root (it provisions one) or set "
            "BENCHGEN_GODOT; the real-editor tests cannot run in the web template"
        )
    return godot


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_project(
    dest: Path,
    *,
    engine: str = "Jolt Physics",
    settings: dict[str, str] | None = None,
    autoload: bool = True,
    e2e: bool = True,
) -> Path:
    """Create a Godot 4 project at ``dest`` with the benchgen addon (and the test driver)."""
    dest.mkdir(parents=True, exist_ok=True)
    plugins = ['"res://addons/benchgen/plugin.cfg"']
    if e2e:
        plugins.append('"res://addons/benchgen_e2e/plugin.cfg"')
        shutil.copytree(REPO / "tests" / "godot" / "editor", dest / "addons" / "benchgen_e2e")
    shutil.copytree(REPO / "addons" / "benchgen", dest / "addons" / "benchgen")
    lines = [
        "config_version=5",
        "",
        "[application]",
        "",
        'config/name="benchgen test project"',
        'config/features=PackedStringArray("4.4")',
        "",
    ]
    if autoload:
        lines += [
            "[autoload]",
            "",
            'BenchgenSwitcher="*res://addons/benchgen/runtime/scenario_switcher.gd"',
            "",
        ]
    lines += ["[editor_plugins]", "", f"enabled=PackedStringArray({', '.join(plugins)})", ""]
    lines += ["[physics]", "", f'3d/physics_engine="{engine}"', ""]
    if settings:
        lines += ["[benchgen]", ""] + [f'{k}="{v}"' for k, v in settings.items()] + [""]
    lines += ["[rendering]", "", 'renderer/rendering_method="gl_compatibility"', ""]
    (dest / "project.godot").write_text("\n".join(lines), encoding="utf-8")
    return dest


@dataclass
class Backend:
    """A live ``benchgen serve`` process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


def serve_command(project: Path, port: int, out: Path | None = None) -> list[str]:
    """Return the command line of ``benchgen serve`` for ``project`` on ``port``."""
    out = out or project / "scenarios"
    return [
        sys.executable,
        "-m",
        "benchgen.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--project",
        str(project),
        "--out",
        str(out),
    ]


def backend_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHGEN_LLM_")}
    env.setdefault("MUJOCO_GL", "egl")
    return env


@contextmanager
def live_backend(project: Path, log: Path, *, port: int | None = None) -> Iterator[Backend]:
    """Start ``benchgen serve --project PROJECT`` (on ``port`` or a free one); stop it after."""
    port = port or free_port()
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            serve_command(project, port),
            env=backend_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the backend did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.2)
            yield Backend(url=url, process=proc, log=log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_editor(
    project: Path,
    args: Sequence[str],
    *,
    home: Path,
    host_view: bool = False,
    timeout_s: float = 900.0,
    quit_after: int | None = None,
) -> list[str]:
    """Run the real editor headless on ``project`` with user ``args``; return its lines.

    ``quit_after`` ends the editor after that many frames (for runs without the driver).
    """
    godot = native_godot()
    verbose = ["--verbose"] if os.environ.get("BENCHGEN_GODOT_VERBOSE") == "1" else []
    quit = ["--quit-after", str(quit_after)] if quit_after else []
    godot_args = [*verbose, *quit, "--headless", "--editor", "--path", str(project), "--", *args]
    cmd = godot.command(godot_args, binds=[project], cwd=project, host_view=host_view)
    env = None
    if host_view or godot.root is None:
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        env["HOME"] = str(home)
    lines: list[str] = []
    try:
        run_process(cmd, timeout_s=timeout_s, on_line=lambda line, _e: lines.append(line), env=env)
    finally:
        shown = (MARK, "Leaked instance", "Resource still in use") if verbose else (MARK,)
        print("\n".join(line for line in lines if line.startswith(shown)))
    return lines


def steps(lines: Sequence[str]) -> dict[str, str]:
    """Return the driver's steps: name -> "ok" or the reason it failed."""
    found = {}
    for line in lines:
        if line.startswith(f"{MARK} ok "):
            found[line[len(MARK) + 4 :]] = "ok"
        elif line.startswith(f"{MARK} FAILED "):
            name, _, why = line[len(MARK) + 8 :].partition(": ")
            found[name] = why or "failed"
    return found


def figures(lines: Sequence[str]) -> dict[str, float]:
    """Return the figures the driver printed (``BENCHGEN_EDITOR figure NAME VALUE``)."""
    found = {}
    for line in lines:
        if line.startswith(f"{MARK} figure "):
            name, _, value = line[len(MARK) + 8 :].partition(" ")
            found[name] = float(value)
    return found


def wait_warm(url: str, timeout_s: float = 180) -> None:
    """Wait until the backend at ``url`` has its generation process started and warmed up,
    as a user finds it a little after starting it (``generator_warm`` in /api/health)."""
    deadline = time.monotonic() + timeout_s
    while not httpx.get(f"{url}/api/health", timeout=5).json().get("generator_warm"):
        if time.monotonic() > deadline:
            pytest.fail(f"the backend at {url} did not warm up in {timeout_s:.0f} s")
        time.sleep(0.2)


def benchgen_problems(lines: Sequence[str]) -> list[str]:
    """Return the ERROR / WARNING lines the editor printed, but the engine's own noise."""
    return [p for p in problem_lines(list(lines)) if not any(n in p for n in ENGINE_NOISE)]
