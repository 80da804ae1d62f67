"""Run a Godot project's benchmark: a native Godot 4 when there is one, else the web runtime.

One start runs everything the user arguments ask for (all selected scenarios, or the
GDScript tests). The scene started is the runner shipped inside the addon
(:data:`RUNNER_SCENE`), never the project's main scene, so any project with the addon
runs the same way; it runs the benchmark scene's array (the ``benchgen/benchmark/scene``
project setting) or the scenes a ``--scenarios`` glob selects.

Native Godot (:mod:`benchgen.godot.native`): the import pass runs first when the class
cache is missing or stale, the first fatal line ends the run, a timeout kills the process
group. ``physics_engine`` runs the project under another 3D engine without touching it:
a scratch project whose ``project.godot`` differs in that one setting links to the rest.

Example::

    run = run_godot(["--scenarios=res://tests/godot/fixtures/*.tscn", "--agent=oracle"],
                    project_dir=Path("."))
    print(run.results["scenarios"][0]["successes"])
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchgen import resources
from benchgen.errors import GodotError
from benchgen.extras import require
from benchgen.godot._pack import write_pack
from benchgen.godot._process import ensure_imported, problem_lines, run_process
from benchgen.godot._shards import merge_reports, shard_arg, shardable, table_lines
from benchgen.godot._web import run_web
from benchgen.godot._web_template import default_cache_dir, ensure_web_template
from benchgen.godot.native import NativeGodot, find_native_godot
from benchgen.godot.project import with_setting

__all__ = [
    "PHYSICS_ENGINES",
    "RESULTS_PREFIX",
    "RUNNER_SCENE",
    "GodotRun",
    "default_project_dir",
    "ensure_web_template",
    "find_native_godot",
    "physics_engine_name",
    "project_with_setting",
    "run_godot",
]

#: Godot prints the results JSON on one line after this prefix.
RESULTS_PREFIX = "BENCHGEN_RESULTS "
#: The runner scene shipped inside the addon.
RUNNER_SCENE = "res://addons/benchgen/runtime/runner.tscn"
#: The 3D physics engines of Godot 4.4+, by the short names the CLI takes.
PHYSICS_ENGINES = {"jolt": "Jolt Physics", "godot": "GodotPhysics3D"}
#: Lines that mean a GDScript error, whichever runtime printed them.
_ERROR_MARKS = ("SCRIPT ERROR", "Parse Error", "Failed to load script", "Invalid call")
_ENGINE_KEY = ("physics", "3d/physics_engine")

LineCallback = Callable[[str, bool], None]


@dataclass
class GodotRun:
    """The outcome of one Godot start.

    Attributes:
        exit_code: What ``get_tree().quit(code)`` returned (0 = the run completed).
        lines: Every line Godot printed, in order.
        results: The parsed ``BENCHGEN_RESULTS`` JSON, or None when none was printed.
        runtime: ``"native"`` or ``"web"``.
        seconds: Wall-clock time of the run, engine start (and import pass) included.
        problems: Every ERROR / WARNING line Godot printed (the web template prints none).
        godot: The native Godot's version and where it came from; empty for the web.
    """

    exit_code: int
    lines: list[str] = field(default_factory=list)
    results: dict[str, Any] | None = None
    runtime: str = "web"
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    godot: str = ""


def default_project_dir() -> Path:
    """Return the Godot project: ``$BENCHGEN_PROJECT``, else the development checkout."""
    return resources.project_dir()


def physics_engine_name(name: str) -> str:
    """Return Godot's name of the 3D engine ``name`` (``jolt``, ``godot`` or Godot's own name).

    Raises:
        GodotError: ``name`` is none of them.
    """
    if name in PHYSICS_ENGINES:
        return PHYSICS_ENGINES[name]
    if name in PHYSICS_ENGINES.values():
        return name
    allowed = ", ".join(f"{k} ({v})" for k, v in PHYSICS_ENGINES.items())
    raise GodotError(f"{name!r} is not a Godot 3D physics engine; use one of {allowed}.")


def _print_line(text: str, is_error: bool) -> None:
    print(text, file=sys.stderr if is_error else sys.stdout, flush=True)


def _split_out(args: list[str]) -> tuple[list[str], Path | None]:
    """Take a filesystem ``--out=PATH`` out of ``args`` (Python writes it); keep ``user://``."""
    outs = [a for a in args if a.startswith("--out=") and not a.startswith("--out=user://")]
    rest = [a for a in args if a not in outs]
    return rest, (Path(outs[-1].split("=", 1)[1]) if outs else None)


@contextmanager
def project_with_setting(project: Path, section: str, key: str, value: str) -> Iterator[Path]:
    """Yield a scratch project that is ``project`` with one setting changed.

    Its ``project.godot`` is a patched copy; every other entry (``.godot`` included, so the
    class cache is shared) is a symbolic link into ``project``, and res:// paths stay the
    same. The scratch folder is removed on the way out; ``project`` is never written.
    """
    text = (project / "project.godot").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="benchgen-project-") as tmp:
        scratch = Path(tmp)
        (scratch / "project.godot").write_text(
            with_setting(text, section, key, value), encoding="utf-8"
        )
        for entry in project.iterdir():
            if entry.name not in ("project.godot", "override.cfg"):
                (scratch / entry.name).symlink_to(entry)
        yield scratch


def _run_native(
    godot: NativeGodot,
    args: list[str],
    project: Path,
    *,
    timeout_s: float,
    on_line: LineCallback,
    scene: str | None,
    physics_engine: str | None,
) -> tuple[int, list[str], list[str]]:
    """Run natively; return the exit code, the run's lines and the import pass's lines."""
    started = time.monotonic()
    imported = ensure_imported(godot, project, on_line=on_line)
    remaining = max(1.0, timeout_s - (time.monotonic() - started))
    if physics_engine is None:
        code, lines = _start(godot, args, project, [project], remaining, timeout_s, on_line, scene)
    else:
        with project_with_setting(project, *_ENGINE_KEY, physics_engine) as scratch:
            binds = [project, scratch]
            code, lines = _start(godot, args, scratch, binds, remaining, timeout_s, on_line, scene)
    return code, lines, imported


def _start(
    godot: NativeGodot,
    args: list[str],
    path: Path,
    binds: list[Path],
    timeout_s: float,
    budget_s: float,
    on_line: LineCallback,
    scene: str | None,
) -> tuple[int, list[str]]:
    godot_args = ["--headless", "--path", str(path), *([scene] if scene else []), "--", *args]
    cmd = godot.command(godot_args, binds=binds, cwd=path)
    return run_process(cmd, timeout_s=timeout_s, on_line=on_line, budget_s=budget_s)


def _run_in_web(
    args: list[str],
    project_dir: Path,
    timeout_s: float,
    on_line: LineCallback,
    screenshot: Path | None,
    main_scene: str | None,
    cache_dir: Path | None,
    physics_engine: str | None,
) -> tuple[int, list[str]]:
    require("godot-web", what="the Godot web runtime (used when no native Godot 4 is found)")
    template = ensure_web_template(cache_dir or default_cache_dir())
    settings = {_ENGINE_KEY: physics_engine} if physics_engine else {}
    with tempfile.TemporaryDirectory(prefix="benchgen-web-") as tmp:
        write_pack(
            project_dir, args, Path(tmp) / "game.zip", main_scene=main_scene, settings=settings
        )
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
    main_scene: str | None = RUNNER_SCENE,
    cache_dir: Path | None = None,
    check: bool = True,
    physics_engine: str | None = None,
    processes: int = 1,
) -> GodotRun:
    """Start Godot with user ``args`` (those after ``--``) and wait for it to exit.

    Args:
        args: User arguments for the runner scene, e.g. ``["--agent=oracle"]``.
        project_dir: The Godot project (default: :func:`default_project_dir`).
        on_line: Gets ``(line, is_error)`` as Godot prints; None for silence.
        timeout_s: Give up (GodotError) when Godot has not exited by then.
        runtime: ``"native"``, ``"web"`` or ``"auto"`` (native when one is found).
        screenshot: Save a page screenshot there (web runtime only).
        main_scene: The scene to start (default: the addon's runner); None for the
            project's own ``run/main_scene``.
        cache_dir: Where the web template is cached.
        check: Raise GodotError on script errors or a non-zero exit code.
        physics_engine: Run under this 3D engine (``jolt``, ``godot`` or Godot's name)
            instead of the project's own choice.
        processes: Split the selected scenes over this many native Godot processes run
            at once (``--shard``) and merge their results in the order one process runs
            them; the GDScript tests, a screenshot, the llm agent and the web runtime
            use one.

    Returns:
        The exit code, printed lines and parsed results; ``--out=PATH`` is written here.

    Raises:
        GodotError: No runtime, a fatal script error, a non-zero exit, or a timeout.
    """
    project = (project_dir or default_project_dir()).resolve()
    if not (project / "project.godot").is_file():
        raise GodotError(f"{project} has no project.godot; pass the folder of a Godot project.")
    if runtime not in ("auto", "native", "web"):
        raise GodotError(f"runtime={runtime!r} is not one of auto, native, web.")
    engine = physics_engine_name(physics_engine) if physics_engine else None
    callback = on_line or (lambda _line, _err: None)
    godot_args, out = _split_out(args)
    native = find_native_godot() if runtime in ("auto", "native") else None
    if runtime == "native" and native is None:
        raise GodotError(
            "no native Godot 4 found: set BENCHGEN_GODOT, put godot 4.4+ on PATH, or run "
            "`benchgen godot setup --native` (scripts/setup.sh does); or use runtime='web'."
        )
    if native is not None and processes > 1 and shardable(godot_args):
        run = _run_shards(
            native, godot_args, project, processes, timeout_s, callback, main_scene, engine
        )
    else:
        run = _run_once(
            native,
            godot_args,
            project,
            timeout_s,
            callback,
            screenshot,
            main_scene,
            cache_dir,
            engine,
        )
    if out is not None and run.results is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(run.results, indent=2) + "\n", encoding="utf-8")
    if check:
        error = _first_error(run.lines)
        if error is not None:
            raise GodotError(f"Godot reported a script error: {error}")
        if run.exit_code != 0:
            raise GodotError(
                f"Godot exited with code {run.exit_code}; see the lines it printed above."
            )
    return run


def _run_once(
    native: NativeGodot | None,
    args: list[str],
    project: Path,
    timeout_s: float,
    on_line: LineCallback,
    screenshot: Path | None,
    scene: str | None,
    cache_dir: Path | None,
    engine: str | None,
) -> GodotRun:
    """Run ``args`` in one Godot: the native one when given, else the web runtime."""
    started = time.monotonic()
    imported: list[str] = []
    if native is not None:
        code, lines, imported = _run_native(
            native,
            args,
            project,
            timeout_s=timeout_s,
            on_line=on_line,
            scene=scene,
            physics_engine=engine,
        )
    else:
        code, lines = _run_in_web(
            args, project, timeout_s, on_line, screenshot, scene, cache_dir, engine
        )
    return GodotRun(
        exit_code=code,
        lines=lines,
        results=_parse_results(lines),
        runtime="native" if native else "web",
        seconds=time.monotonic() - started,
        problems=problem_lines(imported) + problem_lines(lines),
        godot=f"{native.version} ({native.origin})" if native else "",
    )


def _run_shards(
    godot: NativeGodot,
    args: list[str],
    project: Path,
    processes: int,
    timeout_s: float,
    on_line: LineCallback,
    scene: str | None,
    engine: str | None,
) -> GodotRun:
    """Run ``args`` as ``processes`` shards at once and merge them into one run.

    The import pass runs first, once, so that the shards do not all write ``.godot/``. A
    shard's error lines are passed on as they come; the merged results table is printed
    at the end (each shard's own table would cover a part).
    """
    started = time.monotonic()
    imported = ensure_imported(godot, project, on_line=on_line)

    def errors_only(line: str, is_error: bool) -> None:
        if is_error:
            on_line(line, is_error)

    def shard(index: int) -> tuple[int, list[str]]:
        shard_args = [*args, shard_arg(index, processes)]
        code, lines, _ = _run_native(
            godot,
            shard_args,
            project,
            timeout_s=timeout_s,
            on_line=errors_only,
            scene=scene,
            physics_engine=engine,
        )
        return code, lines

    with ThreadPoolExecutor(processes, thread_name_prefix="benchgen-godot") as pool:
        shards = list(pool.map(shard, range(processes)))
    lines = [line for _, shard_lines in shards for line in shard_lines]
    code = max(c for c, _ in shards)
    reports = [_parse_results(shard_lines) for _, shard_lines in shards]
    results = merge_reports(reports) if code == 0 or all(reports) else None
    if results is not None:
        for line in table_lines(results):
            on_line(line, False)
    return GodotRun(
        exit_code=code,
        lines=lines,
        results=results,
        runtime="native",
        seconds=time.monotonic() - started,
        problems=problem_lines(imported) + problem_lines(lines),
        godot=f"{godot.version} ({godot.origin})",
    )
