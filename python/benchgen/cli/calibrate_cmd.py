"""``benchgen calibrate``: how well a family discriminates, measured against its baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from benchgen.cli._common import compact_table, console, fail, reports_errors
from benchgen.cli.app import app

__all__: list[str] = []


@app.command()
@reports_errors
def calibrate(
    family: Annotated[
        list[str], typer.Option("--family", "-f", help="Family name (repeat it), or 'all'.")
    ],
    count: Annotated[int, typer.Option(min=1, help="Promoted scenarios per family.")] = 50,
    seed: Annotated[int, typer.Option(min=0, help="First seed tried.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 2,
    random_tries: Annotated[int, typer.Option(min=1, help="Random actions per scenario.")] = 20,
    robust_tries: Annotated[
        int, typer.Option(min=1, help="Jittered references per scenario.")
    ] = 20,
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    keep: Annotated[
        Path | None,
        typer.Option(help="Keep the scenarios (with Godot scenes) in this dataset folder."),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Draw a chart of the figures (PNG).")] = None,
) -> None:
    """Measure random, fixed-action and jittered-reference success for each family."""
    from benchgen.families import family_names, get_family
    from benchgen.pipeline.calibrate import TARGETS, calibrate_family

    names = family_names() if family == ["all"] else family
    for name in names:
        get_family(name)  # an unknown name fails before any work
    results = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        for name in names:
            task = bar.add_task(f"{name}: generate", total=count)

            def progress(phase: str, done: int, total: int, task=task, name=name) -> None:
                bar.update(task, description=f"{name}: {phase}", completed=done, total=total)

            results.append(
                calibrate_family(
                    name,
                    count=count,
                    seed=seed,
                    workers=workers,
                    random_tries=random_tries,
                    robust_tries=robust_tries,
                    keep=keep,
                    on_progress=progress,
                )
            )
    columns = (
        "promoted\n/tried", "random\nper try", "median\nref", "best\nfixed", "robust\n±5%",
        "leaks", "targets",
    )  # fmt: skip
    table = compact_table(f"Benchmark quality ({count} scenarios per family)", "family", columns)
    for r in results:
        table.add_row(
            r.family,
            f"{r.scenarios}/{r.attempts}",
            f"{r.random_success:.1%}",
            f"{r.median_reference_success:.1%}",
            f"{r.best_fixed_success:.1%}",
            f"{r.robust_success:.1%}",
            f"{r.leak_share:.1%}",
            "[green]met[/]" if r.meets_targets() else "[red]missed[/]",
        )
    console.print(table)
    console.print(
        f"targets: best fixed ≤ {TARGETS['best_fixed']:.0%}, random ≤ {TARGETS['random']:.0%} "
        f"per try, robust ≥ {TARGETS['robust']:.0%}"
    )
    if out is not None:
        import json

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps([r.model_dump() for r in results], indent=2) + "\n")
    if plot is not None:
        from benchgen.render.plots import calibration_chart

        calibration_chart(results, plot)
        console.print(f"chart: {plot}")
    if not all(r.meets_targets() for r in results):
        fail("some families miss the benchmark-quality targets")
