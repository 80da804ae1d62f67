"""``benchgen eval DATASET ...`` (run agents, score them) and ``benchgen eval report RUN...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from benchgen.cli._common import compact_table, console, err_console, reports_errors
from benchgen.cli.app import app

__all__ = ["eval_app", "leaderboard_table"]


class _RunByDefault(TyperGroup):
    """``benchgen eval DATASET ...`` means ``benchgen eval run DATASET ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer vendors click
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_RunByDefault,
    help="Evaluate agents on a dataset (benchgen eval DATASET --agent NAME ...), or report runs.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")


def leaderboard_table(results: list[Any], *, title: str) -> Table:
    """Return the leaderboard of one or more runs' results as a rich table.

    The failed attempts by reason go in the caption, one line per agent, so the table fits
    80 columns (a pipe or a CI log) with every figure whole.
    """
    columns = ("tasks", "success@1", "success@K", "AUCCESS", "tokens")
    table = compact_table(title, "agent", columns, caption_justify="left")
    lines = []
    for result in results:
        for score in result.agents:
            failures = sorted(score.failures.items(), key=lambda kv: -kv[1])[:3]
            table.add_row(
                score.agent,
                f"{score.tasks}" + (f" (+{score.open_tasks} open)" if score.open_tasks else ""),
                f"{score.success_at_1:.1%}",
                f"{score.success_at_k:.1%} (K={score.attempts})",
                f"{score.auccess:.3f}",
                f"{score.tokens:,}",
            )
            shown = ", ".join(f"{k} {v}" for k, v in failures) or "none"
            lines.append(f"{score.agent}: {shown}")
    table.caption = "failed attempts by reason (top 3):\n" + "\n".join(lines)
    return table


@eval_app.command("run")
@reports_errors
def run(
    dataset: Annotated[Path, typer.Argument(help="A dataset folder from benchgen generate.")],
    agent: Annotated[
        list[str],
        typer.Option("--agent", "-a", help="null | random | search | oracle | llm (repeat it)."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The run folder (resumed if it exists).")
    ],
    config: Annotated[
        list[str] | None,
        typer.Option("--config", "-c", help="LLM configuration of llm_configs.yaml (repeat it)."),
    ] = None,
    attempts: Annotated[int, typer.Option("--attempts", "-k", min=1, max=100)] = 5,
    family: Annotated[
        list[str] | None, typer.Option("--family", "-f", help="Only these families (repeat it).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many per family.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the agents' random numbers.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Simulation processes.")] = 2,
    concurrency: Annotated[
        int, typer.Option(min=1, max=256, help="Scenarios (and LLM calls) in flight at once.")
    ] = 4,
) -> None:
    """Run agents on every problem of DATASET, K attempts each, and score them."""
    import asyncio

    from benchgen.eval.agents import make_agents
    from benchgen.eval.dataset import load_dataset
    from benchgen.eval.runner import run_eval

    scenarios = load_dataset(dataset, families=family, limit=limit)
    agents = make_agents(agent, configs=config, concurrency=concurrency)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[note]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("tasks", total=len(scenarios) * len(agents), note="")

        def show(progress: Any) -> None:
            note = (
                f"episodes {progress.episodes} (+{progress.resumed_episodes} resumed) · "
                f"solved {progress.solved} · tokens {progress.tokens:,}"
            )
            bar.update(task, completed=progress.done_tasks, note=note)

        results = asyncio.run(
            run_eval(
                scenarios, agents, run=out, dataset=str(dataset), attempts=attempts, seed=seed,
                workers=workers, concurrency=concurrency,
                on_episode=lambda _episode, progress: show(progress), on_start=show,
            )
        )  # fmt: skip
    console.print(leaderboard_table([results], title=f"{out} ({len(scenarios)} scenarios)"))
    console.print(f"episodes: {out}/episodes.jsonl  results: {out}/results.json")


@eval_app.command("report")
@reports_errors
def report(
    runs: Annotated[list[Path], typer.Argument(help="Run folders of benchgen eval.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.md and charts.")],
) -> None:
    """Write a leaderboard across runs with per-family charts (report.md and PNGs)."""
    from benchgen.eval.report import write_report

    page, results = write_report(runs, out)
    console.print(leaderboard_table(results, title="Leaderboard"))
    console.print(f"report: {page}")
