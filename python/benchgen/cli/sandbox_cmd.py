"""``benchgen sandbox run``: run a script the way agent-written code runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benchgen.agent.sandbox import KilledBy, SandboxLimits, SandboxResult, run_sandboxed
from benchgen.cli.app import app
from benchgen.errors import SandboxError

__all__ = ["sandbox_app"]

EXIT_TIMEOUT = 124  # as timeout(1)
EXIT_KILLED = 137  # 128 + SIGKILL
EXIT_SANDBOX_FAILED = 125  # as timeout(1) and docker when the tool itself fails

sandbox_app = typer.Typer(
    help="Run Python in the bubblewrap sandbox that agent-written code runs in.",
    no_args_is_help=True,
)
app.add_typer(sandbox_app, name="sandbox")

_DEFAULTS = SandboxLimits()


def _limit_line(killed_by: KilledBy, limits: SandboxLimits, result: SandboxResult) -> str:
    """Return the one line that says which limit stopped the script."""
    return {
        "timeout": f"wall-clock limit of {limits.timeout_s:g} s reached (--timeout)",
        "cpu": f"CPU limit of {limits.cpu_s} s per process reached (--cpu-s)",
        "memory": f"memory limit of {limits.memory_mb} MB per process reached (--memory-mb)",
        "processes": f"process limit of {limits.max_procs} reached (--max-procs)",
        "signal": f"killed by signal {result.exit_code - 128}",
    }[killed_by]


def _exit_code(result: SandboxResult) -> int:
    """Return the CLI's exit code: the script's, or one that names the stop."""
    if result.killed_by is None:
        return result.exit_code
    if result.killed_by == "timeout":
        return EXIT_TIMEOUT
    if result.killed_by == "signal":
        return result.exit_code
    return EXIT_KILLED


@sandbox_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="The Python script (relative to the workspace).")],
    workspace: Annotated[Path, typer.Option("--workspace", help="The only writable folder.")],
    script_args: Annotated[
        list[str] | None, typer.Argument(help="Arguments for the script.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Wall clock, s.")] = (
        _DEFAULTS.timeout_s
    ),
    memory_mb: Annotated[int, typer.Option("--memory-mb", help="MB per process.")] = (
        _DEFAULTS.memory_mb
    ),
    cpu_s: Annotated[int, typer.Option("--cpu-s", help="CPU seconds per process.")] = (
        _DEFAULTS.cpu_s
    ),
    max_procs: Annotated[int, typer.Option("--max-procs", help="Processes + threads.")] = (
        _DEFAULTS.max_procs
    ),
) -> None:
    """Run FILE in the sandbox and exit with its exit code (124 timeout, 137 limit)."""
    limits = SandboxLimits(timeout_s=timeout, memory_mb=memory_mb, cpu_s=cpu_s, max_procs=max_procs)
    try:
        result = run_sandboxed(file, workspace=workspace, limits=limits, args=script_args or [])
    except SandboxError as exc:
        typer.echo(f"benchgen sandbox: {exc}", err=True)
        raise typer.Exit(EXIT_SANDBOX_FAILED) from exc
    typer.echo(result.stdout, nl=False)
    typer.echo(result.stderr, nl=False, err=True)
    if result.killed_by is not None:
        line = _limit_line(result.killed_by, limits, result)
        typer.echo(f"benchgen sandbox: stopped: {line}", err=True)
    raise typer.Exit(_exit_code(result))
