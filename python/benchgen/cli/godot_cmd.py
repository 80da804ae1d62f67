"""``benchgen godot run``, ``test``, ``setup`` and ``install-addon``: the Godot side.

A native Godot 4 is used when one is found (``BENCHGEN_GODOT``, ``godot`` 4.4+ on PATH,
else the one ``benchgen godot setup --native`` provisions), else the official web
template in headless Chromium. Imports of Playwright happen inside the commands so
``benchgen --help`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

from benchgen.cli.app import app
from benchgen.spec.ids import GODOT_AGENTS

__all__ = ["godot_app"]

godot_app = typer.Typer(
    help="Run benchmark scenarios and GDScript tests in Godot 4.", no_args_is_help=True
)
app.add_typer(godot_app, name="godot")


@godot_app.command("run")
def run(
    scenarios: Annotated[
        str | None, typer.Option(help="Glob over res:// scene paths, e.g. 'scenarios/ramp/*'.")
    ] = None,
    iterations: Annotated[int | None, typer.Option(min=1, help="Iterations per scenario.")] = None,
    agent: Annotated[str, typer.Option(help=" | ".join(GODOT_AGENTS) + ".")] = "null",
    config: Annotated[
        str | None, typer.Option(help="llm: the LLM configuration (llm_configs.yaml).")
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(help="llm: a running backend's URL; default: one started for this run."),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(help="llm: the dataset the started backend serves (default: scenarios/)."),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.01, help="Simulated seconds per iteration.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the results JSON here.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random agent.")] = 0,
    screenshot: Annotated[
        Path | None, typer.Option(help="Save a PNG of the first scene (web runtime).")
    ] = None,
    runtime: Annotated[str, typer.Option(help="auto | native | web.")] = "auto",
    project: Annotated[
        Path | None,
        typer.Option(help="The Godot project folder (the addon's runner scene runs in it)."),
    ] = None,
    wall_timeout: Annotated[
        float, typer.Option(min=1.0, help="Real seconds before the whole run is abandoned.")
    ] = 3600.0,
    physics_engine: Annotated[
        str | None,
        typer.Option(help="Run under this 3D engine, jolt or godot (default: the project's)."),
    ] = None,
    processes: Annotated[
        int,
        typer.Option(
            min=1, help="Native Godot processes sharing the scenes (default: one per core)."
        ),
    ] = os.cpu_count() or 1,
) -> None:
    """Run scenarios with an agent and print the results table.

    Godot starts the runner scene shipped in addons/benchgen, never the project's main
    scene; without --scenarios it runs the benchmark scene's array. The scenes are split
    over --processes native Godot processes and their results merged (the web runtime
    runs one).
    """
    if agent not in GODOT_AGENTS:
        allowed = ", ".join(GODOT_AGENTS)
        raise typer.BadParameter(f"{agent!r} is not an agent; use one of {allowed}.")
    args = [f"--agent={agent}", f"--seed={seed}"]
    if config:
        args.append(f"--config={config}")
    if scenarios:
        args.append(f"--scenarios={_project_glob(scenarios, project)}")
    if iterations:
        args.append(f"--iterations={iterations}")
    if timeout:
        args.append(f"--timeout={timeout}")
    if out:
        args.append(f"--out={out.resolve()}")
    if screenshot:
        args.append("--screenshot")
    started = _backend(backend, dataset, project) if agent == "llm" else nullcontext(None)
    with started as url:
        if url:
            args.append(f"--backend={url}")
        _run(
            args,
            runtime=runtime,
            project=project,
            screenshot=screenshot,
            timeout_s=wall_timeout,
            physics_engine=physics_engine,
            processes=processes,
        )


@godot_app.command("test")
def test(
    runtime: Annotated[str, typer.Option(help="auto | native | web.")] = "auto",
    project: Annotated[Path | None, typer.Option(help="The Godot project folder.")] = None,
) -> None:
    """Run the GDScript tests (tests/godot/test_*.gd) in a real Godot 4."""
    _run(["--tests"], runtime=runtime, project=project, screenshot=None, timeout_s=300.0)


@contextmanager
def _backend(url: str | None, dataset: Path | None, project: Path | None) -> Iterator[str]:
    """Yield the URL of the backend the LLM agent acts through (started here when none)."""
    if url:
        yield url.rstrip("/")
        return
    import socket
    import threading
    import time

    import uvicorn

    from benchgen.godot.runtime import default_project_dir
    from benchgen.server import create_app

    root = (project or default_project_dir()).resolve()
    app = create_app((dataset or root / "scenarios").resolve(), project_dir=root)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    typer.echo(f"backend for the LLM agent at http://127.0.0.1:{sock.getsockname()[1]}", err=True)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


def _project_glob(pattern: str, project: Path | None) -> str:
    """Turn an absolute filesystem glob into the project-relative one Godot understands."""
    if pattern.startswith("res://") or not pattern.startswith("/"):
        return pattern
    from benchgen.godot.runtime import default_project_dir

    root = (project or default_project_dir()).resolve()
    try:
        return Path(pattern).relative_to(root).as_posix()
    except ValueError:
        raise typer.BadParameter(
            f"{pattern} is outside the Godot project {root}: Godot loads scenes only from "
            "inside it; generate the dataset under the project (e.g. --out scenarios/mine) "
            "or pass --project",
            param_hint="--scenarios",
        ) from None


def _run(
    args: list[str],
    *,
    runtime: str,
    project: Path | None,
    screenshot: Path | None,
    timeout_s: float,
    physics_engine: str | None = None,
    processes: int = 1,
) -> None:
    from benchgen.errors import BenchgenError
    from benchgen.godot.runtime import run_godot

    try:
        run = run_godot(
            args,
            project_dir=project,
            runtime=runtime,
            screenshot=screenshot,
            timeout_s=timeout_s,
            physics_engine=physics_engine,
            processes=processes,
        )
    except BenchgenError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    godot = f" {run.godot}" if run.godot else ""
    typer.echo(
        f"godot ({run.runtime}{godot}) exited {run.exit_code} after {run.seconds:.1f} s", err=True
    )


@godot_app.command("setup")
def setup(
    native: Annotated[
        bool,
        typer.Option(
            "--native/--no-native",
            help="Provision Debian sid's Godot 4 in a minimal root (needs root, ~1 GB, "
            "~2 min) unless you have your own Godot 4.4+.",
        ),
    ] = False,
    web: Annotated[
        bool, typer.Option("--web/--no-web", help="Fetch and verify the Godot web template.")
    ] = True,
) -> None:
    """Get a Godot 4: the web template, and with --native the native one."""
    from benchgen.errors import BenchgenError
    from benchgen.godot._provision import provision_root
    from benchgen.godot.native import find_native_godot
    from benchgen.godot.runtime import ensure_web_template

    try:
        if web:
            typer.echo(f"Godot web template verified in {ensure_web_template()}")
        if native:
            own = find_native_godot(provisioned=False)
            if own is not None:
                typer.echo(f"using your Godot {own.version} ({own.origin}: {own.executable})")
            else:
                root = provision_root(on_line=typer.echo)
                found = find_native_godot()
                version = found.version if found else "?"
                typer.echo(f"native Godot {version} provisioned in {root}")
    except BenchgenError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc


@godot_app.command("install-addon")
def install_addon(
    project: Annotated[
        Path, typer.Argument(help="A Godot 4 project folder (holds project.godot).")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an existing addons/benchgen.")
    ] = False,
) -> None:
    """Copy the benchgen addon (shipped in the package) into PROJECT/addons/benchgen."""
    import shutil

    from benchgen.errors import GodotError
    from benchgen.resources import addon_files

    if not (project / "project.godot").is_file():
        raise typer.BadParameter(
            f"{project} has no project.godot; pass the folder of a Godot 4 project",
            param_hint="PROJECT",
        )
    target = project / "addons" / "benchgen"
    if target.exists() and not replace:
        raise typer.BadParameter(
            f"{target} already exists; pass --replace to overwrite it", param_hint="PROJECT"
        )
    try:
        source = addon_files()
    except GodotError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    typer.echo(
        f"benchgen addon copied to {target}; enable it in Project > Project Settings > Plugins"
    )
