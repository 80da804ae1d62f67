"""Shared pieces of the CLI: the console, error reporting and option defaults."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from benchgen.errors import BenchgenError

__all__ = ["DEFAULT_OUT", "console", "err_console", "fail", "reports_errors", "scenario_folders"]

DEFAULT_OUT = Path("out")
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> None:
    """Print one error sentence to stderr and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn a BenchgenError (or Ctrl-C) into one clear line and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BenchgenError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err_console.print(
                "[yellow]interrupted:[/] nothing half-written was left; re-run to resume"
            )
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def scenario_folders(folder: Path) -> list[Path]:
    """Return the scenario folders under ``folder``, or exit with a clear error."""
    from benchgen.verify.folder import find_scenarios

    if not folder.exists():
        fail(f"{folder} does not exist: pass a dataset folder made by `benchgen generate`")
    folders = find_scenarios(folder)
    if not folders:
        fail(f"no scenario.json found under {folder} (expected <family>/<id>/scenario.json)")
    return folders
