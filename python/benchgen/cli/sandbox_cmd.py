"""``benchgen sandbox run``: run a script the way agent-written code runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from benchgen.cli.app import app
from benchgen.errors import SandboxError
from benchgen.sandbox import KilledBy, SandboxLimits, SandboxResult, run_sandboxed

__all__ = ["sandbox_app"]

EXIT_TIMEOUT = 124  # as timeout(1)
EXIT_KILLED = 137  # 128 + SIGKILL
EXIT_SANDBOX_FAILED = 125  # as timeout(1) and docker when the tool itself fails
EXIT_USAGE = 2

sandbox_app = typer.Typer(
    help="Run Python in the bubblewrap sandbox that agent-written code runs in.",
    no_args_is_help=True,
)
app.add_typer(sandbox_app, name="sandbox")

_DEFAULTS = SandboxLimits()
_OPTIONS = {
    "timeout_s": "--timeout",
    "memory_mb": "--memory-mb",
    "cpu_s": "--cpu-s",
    "max_procs": "--max-procs",
    "disk_mb": "--disk-mb",
    "tmp_mb": "--tmp-mb",
}


def _limit_line(killed_by: KilledBy, limits: SandboxLimits, result: SandboxResult) -> str:
    """Return the one line that says which limit stopped the script."""
    return {
        "timeout": f"wall-clock limit of {limits.timeout_s:g} s reached (--timeout)",
        "cpu": f"CPU limit of {limits.cpu_s} s per process reached (--cpu-s)",
        "memory": (
            f"memory limit of {limits.memory_mb} MB for the whole sandbox reached "
            f"(--memory-mb; its processes held {result.memory_peak_mb:g} MB at the last check)"
        ),
        "processes": f"process limit of {limits.max_procs} reached (--max-procs)",
        "disk": (
            f"disk quota reached: the workspace holds {limits.disk_mb} MB (--disk-mb), "
            f"/tmp and /dev/shm {limits.tmp_mb} MB each (--tmp-mb)"
        ),
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


def _limits(values: dict[str, float]) -> SandboxLimits:
    """Build the limits, or exit with one sentence naming the bad option."""
    try:
        return SandboxLimits.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        option = _OPTIONS.get(field, field)
        allowed = str(error["msg"]).removeprefix("Input should be ").rstrip(".")
        typer.echo(
            f"benchgen sandbox: {option} {values.get(field)} is not allowed: it must be "
            f"{allowed}; the default is {getattr(_DEFAULTS, field, '?')}",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE) from None


@sandbox_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="The Python script (relative to the workspace).")],
    workspace: Annotated[Path, typer.Option("--workspace", help="The folder it works in.")],
    script_args: Annotated[
        list[str] | None, typer.Argument(help="Arguments for the script.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Wall clock, s.")] = (
        _DEFAULTS.timeout_s
    ),
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="MB for the whole sandbox (and per process).")
    ] = _DEFAULTS.memory_mb,
    cpu_s: Annotated[int, typer.Option("--cpu-s", help="CPU seconds per process.")] = (
        _DEFAULTS.cpu_s
    ),
    max_procs: Annotated[int, typer.Option("--max-procs", help="Processes + threads.")] = (
        _DEFAULTS.max_procs
    ),
    disk_mb: Annotated[int, typer.Option("--disk-mb", help="MB the workspace may hold.")] = (
        _DEFAULTS.disk_mb
    ),
    tmp_mb: Annotated[int, typer.Option("--tmp-mb", help="MB of /tmp and of /dev/shm.")] = (
        _DEFAULTS.tmp_mb
    ),
) -> None:
    """Run FILE in the sandbox and exit with its exit code (124 timeout, 137 limit)."""
    limits = _limits(
        {
            "timeout_s": timeout,
            "memory_mb": memory_mb,
            "cpu_s": cpu_s,
            "max_procs": max_procs,
            "disk_mb": disk_mb,
            "tmp_mb": tmp_mb,
        }
    )
    try:
        result = run_sandboxed(file, workspace=workspace, limits=limits, args=script_args or [])
    except SandboxError as exc:
        typer.echo(f"benchgen sandbox: {exc}", err=True)
        raise typer.Exit(EXIT_SANDBOX_FAILED) from exc
    typer.echo(result.stdout, nl=False)
    typer.echo(result.stderr, nl=False, err=True)
    for entry in result.not_copied:
        typer.echo(f"benchgen sandbox: not copied back: {entry}", err=True)
    if result.killed_by is not None:
        line = _limit_line(result.killed_by, limits, result)
        typer.echo(f"benchgen sandbox: stopped: {line}", err=True)
    raise typer.Exit(_exit_code(result))
