"""Start a native Godot process: import pass first, fail fast on errors, kill the whole group.

Godot keeps running after a parse error (a scene whose script failed just never calls
``quit``), so waiting for it to exit turns every broken script into a timeout. Here the
first fatal line (:data:`FATAL_MARKS`) ends the run a moment later, with the lines that
explain it, and a timeout kills the process group: bubblewrap and Godot alike.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from benchgen.errors import GodotError
from benchgen.godot.native import NativeGodot

__all__ = ["FATAL_MARKS", "class_cache_stale", "ensure_imported", "problem_lines", "run_process"]

#: Lines after which Godot will not finish the run (a script that did not load, a crash).
FATAL_MARKS = (
    "Parse Error",
    "SCRIPT ERROR",
    "Failed to load script",
    "Could not find type",
    "handle_crash:",
)
#: Lines the zero-warnings policy counts: every engine or script error and warning.
PROBLEM_PREFIXES = (
    "ERROR:",
    "WARNING:",
    "SCRIPT ERROR:",
    "SCRIPT WARNING:",
    "USER ERROR:",
    "USER WARNING:",
    "USER SCRIPT ERROR:",
    "Parse Error",
)
#: Seconds of output still collected after a fatal line (its "at:" lines and backtrace).
_GRACE_S = 1.0
_CLASS_CACHE = ".godot/global_script_class_cache.cfg"
_IMPORT_STAMP = ".godot/benchgen_import.stamp"

LineCallback = Callable[[str, bool], None]


def problem_lines(lines: Sequence[str]) -> list[str]:
    """Return every error or warning Godot printed, each with the line that locates it."""
    found = []
    for index, line in enumerate(lines):
        if line.lstrip().startswith(PROBLEM_PREFIXES):
            where = lines[index + 1].strip() if index + 1 < len(lines) else ""
            found.append(f"{line.strip()} [{where}]" if where.startswith("at:") else line.strip())
    return found


def _kill_group(proc: subprocess.Popen[str], *, grace_s: float = 5.0) -> None:
    """SIGKILL Godot's whole process group and wait, up to ``grace_s``, until it is gone.

    Waiting for the launcher alone is not enough: Godot under bubblewrap is its child,
    and on a loaded machine it can outlive the launcher by a moment after the SIGKILL.
    """
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def _lines(proc: subprocess.Popen[str]) -> Iterator[str | None]:
    """Yield Godot's lines as they come; None every 0.2 s of silence; end at EOF."""
    pending: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            pending.put(raw.rstrip("\n"))
        pending.put(None)

    threading.Thread(target=pump, daemon=True).start()
    done = False
    while not done:
        try:
            line = pending.get(timeout=0.2)
        except queue.Empty:
            yield None
            continue
        if line is None:
            done = True
        else:
            yield line


def run_process(
    cmd: list[str],
    *,
    timeout_s: float,
    on_line: LineCallback,
    env: dict[str, str] | None = None,
    fail_fast: bool = True,
    budget_s: float | None = None,
) -> tuple[int, list[str]]:
    """Run ``cmd`` in its own process group and return its exit code and lines.

    ``budget_s`` is the time limit the caller was given, named in the timeout's message
    (``timeout_s`` may be what is left of it after an import pass).

    Raises:
        GodotError: Godot printed a fatal line (with ``fail_fast``) or outlived ``timeout_s``.
    """
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        bufsize=1,
        errors="replace",
        start_new_session=True,
        env=env,
    )
    deadline = time.monotonic() + timeout_s
    lines: list[str] = []
    fatal_at: int | None = None
    grace_end = 0.0
    try:
        for line in _lines(proc):
            if line is not None:
                lines.append(line)
                on_line(line, False)
                if fail_fast and fatal_at is None and any(m in line for m in FATAL_MARKS):
                    fatal_at, grace_end = len(lines) - 1, time.monotonic() + _GRACE_S
            now = time.monotonic()
            if fatal_at is not None and now >= grace_end:
                break
            if now >= deadline:
                _kill_group(proc)
                raise GodotError(
                    f"Godot did not exit within {budget_s or timeout_s:.0f} s and was killed "
                    "(with its whole process group)."
                )
    finally:
        if proc.poll() is None and fatal_at is not None:
            _kill_group(proc)
    if fatal_at is not None:
        detail = " ".join(x.strip() for x in lines[fatal_at : fatal_at + 4])[:600]
        raise GodotError(f"Godot reported an error it cannot run past: {detail}")
    return proc.wait(), lines


def _scripts(project: Path) -> Iterator[Path]:
    """Yield the project's .gd files, skipping what the editor skips (hidden, .gdignore)."""
    pending = [project]
    while pending:
        folder = pending.pop()
        if (folder / ".gdignore").exists():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif entry.name.endswith(".gd"):
                    yield Path(entry.path)


def class_cache_stale(project: Path) -> bool:
    """Return whether the class cache is missing or older than a script of ``project``."""
    cache = project / _CLASS_CACHE
    if not cache.is_file():
        return True
    stamp = project / _IMPORT_STAMP
    checked = max(cache.stat().st_mtime, stamp.stat().st_mtime if stamp.is_file() else 0.0)
    return any(script.stat().st_mtime > checked for script in _scripts(project))


def ensure_imported(
    godot: NativeGodot, project: Path, *, on_line: LineCallback, timeout_s: float = 900.0
) -> list[str]:
    """Run the editor's import pass when the class cache is missing or stale.

    Without ``.godot/global_script_class_cache.cfg`` every ``class_name`` is unknown at run
    time (``Could not find type "BenchgenScenarioManager"``). The pass is
    ``godot --headless --import``; ``.godot/benchgen_import.stamp`` records when it ran,
    because the editor leaves an unchanged cache file untouched.

    ``on_line`` gets one line saying so, then only the errors and warnings of the pass.

    Returns:
        The lines the import pass printed; empty when none was needed.

    Raises:
        GodotError: the import failed or printed a fatal line.
    """
    if not class_cache_stale(project):
        return []
    on_line(
        f"benchgen: importing {project} (godot --import): its class cache is missing or "
        "older than its scripts",
        False,
    )

    def problems_only(line: str, is_error: bool) -> None:
        if line.lstrip().startswith(PROBLEM_PREFIXES):
            on_line(line, is_error)

    cmd = godot.command(["--headless", "--import", "--path", str(project)], binds=[project])
    code, lines = run_process(cmd, timeout_s=timeout_s, on_line=problems_only)
    if code != 0 or not (project / _CLASS_CACHE).is_file():
        tail = " | ".join(lines[-5:])
        raise GodotError(f"the Godot import pass of {project} failed (exit {code}): {tail}")
    stamp = project / _IMPORT_STAMP
    stamp.write_text("benchgen ran `godot --import` here\n", encoding="utf-8")
    return lines
