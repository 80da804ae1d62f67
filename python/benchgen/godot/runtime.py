"""Run the benchgen Godot project: a native Godot 4 when there is one, else the web runtime.

One start runs everything the user arguments ask for (all selected scenarios, or the
GDScript tests), because each start of the web runtime costs about 5-7 s.

Example::

    run = run_godot(["--scenarios=res://tests/godot/fixtures/*.tscn", "--agent=oracle"],
                    project_dir=Path("."))
    print(run.results["scenarios"][0]["successes"])
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchgen import resources
from benchgen.errors import GodotError
from benchgen.extras import require
from benchgen.godot._pack import write_pack
from benchgen.godot._web import run_web
from benchgen.godot._web_template import default_cache_dir, ensure_web_template

__all__ = [
    "RESULTS_PREFIX",
    "GodotRun",
    "default_project_dir",
    "ensure_web_template",
    "find_native_godot",
    "run_godot",
]

#: Godot prints the results JSON on one line after this prefix.
RESULTS_PREFIX = "BENCHGEN_RESULTS "
#: Lines that mean a GDScript error, whichever runtime printed them.
_ERROR_MARKS = ("SCRIPT ERROR", "Parse Error", "Failed to load script", "Invalid call")

LineCallback = Callable[[str, bool], None]


@dataclass
class GodotRun:
    """The outcome of one Godot start.

    Attributes:
        exit_code: What ``get_tree().quit(code)`` returned (0 = the run completed).
        lines: Every line Godot printed, in order.
        results: The parsed ``BENCHGEN_RESULTS`` JSON, or None when none was printed.
        runtime: ``"native"`` or ``"web"``.
        seconds: Wall-clock time of the run, engine start included.
    """

    exit_code: int
    lines: list[str] = field(default_factory=list)
    results: dict[str, Any] | None = None
    runtime: str = "web"
    seconds: float = 0.0


def default_project_dir() -> Path:
    """Return the Godot project: ``$BENCHGEN_PROJECT``, else the development checkout."""
    return resources.project_dir()


def find_native_godot() -> str | None:
    """Return a native Godot 4 binary (``BENCHGEN_GODOT`` or ``godot`` on PATH), or None."""
    explicit = os.environ.get("BENCHGEN_GODOT")
    if explicit:
        if not Path(explicit).is_file():
            raise GodotError(f"BENCHGEN_GODOT={explicit} is not a file; unset it or fix the path.")
        return explicit
    found = shutil.which("godot")
    if found is None:
        return None
    proc = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    # Debian ships Godot 3.2 as `godot`; it cannot run a config_version=5 project.
    return found if proc.stdout.strip().startswith("4.") else None


def _print_line(text: str, is_error: bool) -> None:
    print(text, file=sys.stderr if is_error else sys.stdout, flush=True)


def _split_out(args: list[str]) -> tuple[list[str], Path | None]:
    """Take a filesystem ``--out=PATH`` out of ``args`` (Python writes it); keep ``user://``."""
    outs = [a for a in args if a.startswith("--out=") and not a.startswith("--out=user://")]
    rest = [a for a in args if a not in outs]
    return rest, (Path(outs[-1].split("=", 1)[1]) if outs else None)


def _run_native(
    godot: str, args: list[str], project_dir: Path, timeout_s: float, on_line: LineCallback
) -> tuple[int, list[str]]:
    cmd = [godot, "--headless", "--path", str(project_dir), "--", *args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            on_line(line, False)
        code = proc.wait()
    finally:
        timer.cancel()
    if code < 0:
        raise GodotError(f"Godot did not exit within {timeout_s:.0f} s and was killed.")
    return code, lines


def _run_in_web(
    args: list[str],
    project_dir: Path,
    timeout_s: float,
    on_line: LineCallback,
    screenshot: Path | None,
    main_scene: str | None,
    cache_dir: Path | None,
) -> tuple[int, list[str]]:
    require("godot-web", what="the Godot web runtime (used when no native Godot 4 is found)")
    template = ensure_web_template(cache_dir or default_cache_dir())
    with tempfile.TemporaryDirectory(prefix="benchgen-web-") as tmp:
        write_pack(project_dir, args, Path(tmp) / "game.zip", main_scene=main_scene)
        result = run_web(
            Path(tmp),
            template,
            args,
            timeout_s=timeout_s,
            on_line=on_line,
            screenshot=screenshot,
        )
    return result.exit_code, result.lines


def _parse_results(lines: list[str]) -> dict[str, Any] | None:
    for line in reversed(lines):
        if line.startswith(RESULTS_PREFIX):
            try:
                parsed: dict[str, Any] = json.loads(line[len(RESULTS_PREFIX) :])
            except json.JSONDecodeError as exc:
                raise GodotError(f"Godot printed results that are not JSON: {exc}.") from exc
            return parsed
    return None


def _first_error(lines: list[str]) -> str | None:
    for index, line in enumerate(lines):
        if any(mark in line for mark in _ERROR_MARKS):
            detail = " ".join(x.strip() for x in lines[index : index + 3])
            return detail[:500]
    return None


def run_godot(
    args: list[str],
    *,
    project_dir: Path | None = None,
    on_line: LineCallback | None = _print_line,
    timeout_s: float = 300.0,
    runtime: str = "auto",
    screenshot: Path | None = None,
    main_scene: str | None = None,
    cache_dir: Path | None = None,
    check: bool = True,
) -> GodotRun:
    """Start Godot once with user ``args`` (those after ``--``) and wait for it to exit.

    Args:
        args: User arguments for the runner scene, e.g. ``["--agent=oracle"]``.
        project_dir: The Godot project (default: :func:`default_project_dir`).
        on_line: Gets ``(line, is_error)`` as Godot prints; None for silence.
        timeout_s: Give up (GodotError) when Godot has not exited by then.
        runtime: ``"native"``, ``"web"`` or ``"auto"`` (native when one is found).
        screenshot: Save a page screenshot there (web runtime only).
        main_scene: Override ``run/main_scene`` in the packed project (web runtime only).
        cache_dir: Where the web template is cached.
        check: Raise GodotError on script errors or a non-zero exit code.

    Returns:
        The exit code, printed lines and parsed results; ``--out=PATH`` is written here.

    Raises:
        GodotError: No runtime, a script error, a non-zero exit, or a timeout.
    """
    project = (project_dir or default_project_dir()).resolve()
    if not (project / "project.godot").is_file():
        raise GodotError(f"{project} has no project.godot; pass the benchgen repository root.")
    callback = on_line or (lambda _line, _err: None)
    godot_args, out = _split_out(args)
    native = find_native_godot() if runtime in ("auto", "native") else None
    if runtime == "native" and native is None:
        raise GodotError("No native Godot 4 found; set BENCHGEN_GODOT or use runtime='web'.")
    started = time.monotonic()
    if native is not None:
        code, lines = _run_native(native, godot_args, project, timeout_s, callback)
    else:
        code, lines = _run_in_web(
            godot_args, project, timeout_s, callback, screenshot, main_scene, cache_dir
        )
    run = GodotRun(
        exit_code=code,
        lines=lines,
        results=_parse_results(lines),
        runtime="native" if native else "web",
        seconds=time.monotonic() - started,
    )
    if out is not None and run.results is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(run.results, indent=2) + "\n", encoding="utf-8")
    if check:
        error = _first_error(lines)
        if error is not None:
            raise GodotError(f"Godot reported a script error: {error}")
        if code != 0:
            raise GodotError(f"Godot exited with code {code}; see the lines it printed above.")
    return run
