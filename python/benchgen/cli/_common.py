"""Shared pieces of the CLI: the console, error reporting and option defaults."""

from __future__ import annotations

import errno
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchgen.errors import BenchgenError

__all__ = [
    "DEFAULT_OUT",
    "CountOption",
    "GodotOption",
    "ParamsOption",
    "RendersOption",
    "SeedOption",
    "compact_table",
    "console",
    "err_console",
    "fail",
    "family_progress",
    "parse_params",
    "print_generate_summary",
    "reports_errors",
    "scenario_folders",
]

DEFAULT_OUT = Path("out")


def compact_table(title: str, first: str, columns: Sequence[str], **options: Any) -> Table:
    """Return a table that fits 80 columns (a pipe or a CI log) with every figure whole.

    No vertical rules and no padding at the edges; ``first`` is the name column, the
    ``columns`` (headers may take two lines) are right-aligned figures, none wrapped.
    ``options`` go to :class:`rich.table.Table` (a caption, say).
    """
    table = Table(
        title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, **options
    )
    table.add_column(first, no_wrap=True)
    for column in columns:
        table.add_column(column, justify="right", no_wrap=True)
    return table


CountOption = Annotated[int, typer.Option("--count", "-n", help="Promoted scenarios per family.")]
SeedOption = Annotated[int, typer.Option("--seed", "-s", help="First seed.")]
RendersOption = Annotated[
    bool, typer.Option("--renders/--no-renders", help="Render views and video.")
]
GodotOption = Annotated[bool, typer.Option("--godot/--no-godot", help="Export Godot scenes.")]
ParamsOption = Annotated[
    str | None, typer.Option("--params", help="JSON object of fixed parameters.")
]
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> None:
    """Print one error sentence to stderr and exit non-zero."""
    # One sentence on one line (soft_wrap), with any [brackets] in it printed as they are.
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn a BenchgenError (or Ctrl-C) into one clear line and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BenchgenError as exc:
            fail(str(exc))
        except BrokenProcessPool:
            fail(
                "a worker process died (killed, or out of memory) and the batch stopped; "
                "nothing half-written was kept: run the same command again to resume"
            )
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                fail(
                    f"the disk is full{where}: free some space or choose another --out, "
                    "then run the same command again to resume"
                )
            fail(f"the command stopped: {exc.strerror or exc}{where}; fix that and run it again")
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


def parse_params(params: str | None) -> dict[str, Any] | None:
    """Parse ``--params``: a JSON object of fixed family parameters, or None."""
    if not params:
        return None
    try:
        value = json.loads(params)
    except json.JSONDecodeError as exc:
        fail(f"--params must be a JSON object such as '{{\"ball_radius\": 0.05}}': {exc.msg}")
    if not isinstance(value, dict):
        fail(f"--params must be a JSON object, not {type(value).__name__}")
    return value


def print_generate_summary(report: Any, *, store_url: str) -> None:
    """Print the per-family table of a generate report and where the results are."""
    table = Table(title=f"Scenarios in {report.out}")
    for column in ("family", "promoted", "rejected", "attempts"):
        table.add_column(column, justify="left" if column == "family" else "right")
    for fam in report.families:
        table.add_row(fam.family, str(fam.promoted), str(fam.rejected), str(fam.attempts))
    console.print(table)
    console.print(f"Scenario folders: [bold]{report.out}/<family>/<id>/[/]  store: {store_url}")


@contextmanager
def family_progress(names: list[str], count: int) -> Iterator[Callable[[Any], None]]:
    """Show one progress bar per family; yield the function that reports an outcome."""
    columns = (
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[note]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bars = {name: progress.add_task(name, total=count, note="") for name in names}

        def show(outcome: Any) -> None:
            if outcome.status != "rejected":
                progress.advance(bars[outcome.family])
            else:
                note = f"rejected seed {outcome.seed}: {','.join(outcome.reasons)}"
                progress.update(bars[outcome.family], note=note)

        yield show
