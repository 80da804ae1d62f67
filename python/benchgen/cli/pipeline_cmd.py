"""``benchgen families | generate | verify | show | stats | fetch``: the dataset commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from benchgen.cli._common import (
    DEFAULT_OUT,
    CountOption,
    GodotOption,
    ParamsOption,
    RendersOption,
    SeedOption,
    console,
    fail,
    family_progress,
    parse_params,
    print_generate_summary,
    reports_errors,
    scenario_folders,
)
from benchgen.cli.app import app

__all__: list[str] = []

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Dataset folder.")]
DbOption = Annotated[
    str | None, typer.Option("--db", help="Store URL (default: SQLite file in the dataset folder).")
]


def _store(out: Path, db: str | None) -> Any:
    from benchgen.store import Store

    return Store(db) if db else Store.in_folder(out)


def _assets(url: str | None) -> Any:
    from benchgen.store import open_assets

    return open_assets(url) if url else None


@app.command()
@reports_errors
def families() -> None:
    """List the scenario families: one name per line, then its description."""
    from benchgen.families import family_names, get_family

    for name in family_names():
        typer.echo(f"{name}  {get_family(name).description}")


@app.command()
@reports_errors
def generate(
    family: Annotated[str, typer.Option("--family", "-f", help="A family name, or 'all'.")],
    count: CountOption = 3,
    seed: SeedOption = 0,
    out: OutOption = DEFAULT_OUT,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes.")] = 1,
    renders: RendersOption = True,
    godot: GodotOption = True,
    params: ParamsOption = None,
    db: DbOption = None,
    assets: Annotated[
        str | None,
        typer.Option(
            "--assets",
            help="Also upload each promoted scenario to this asset store "
            "(a folder, file:///..., or s3://bucket/prefix?endpoint=http://host:port).",
        ),
    ] = None,
) -> None:
    """Generate COUNT verified scenarios per family into OUT (resumes an interrupted run)."""
    from benchgen.families import family_names
    from benchgen.pipeline import check_output_folder
    from benchgen.pipeline import generate as run_generate
    from benchgen.pipeline.repair import repair_dataset

    names = family_names() if family == "all" else [family]
    overrides = parse_params(params)
    check_output_folder(out)
    store = _store(out, db)
    repaired = repair_dataset(out, store)
    if repaired.changed:
        console.print(f"repaired {out} after an interrupted run: {repaired.summary()}")
    asset_store = _assets(assets)
    uploaded: list[str] = []
    with family_progress(names, count) as show:

        def on_outcome(outcome: Any) -> None:
            store.record_attempt(outcome)
            # A skipped scenario was promoted by an earlier run: upload it too, so a
            # resumed run leaves every scenario of the dataset in the asset store.
            if asset_store is not None and outcome.status != "rejected" and outcome.folder:
                uri = asset_store.put_scenario(Path(outcome.folder))
                store.set_asset_uri(outcome.scenario_id, uri)
                uploaded.append(uri)
            show(outcome)

        report = run_generate(
            names,
            count=count,
            seed=seed,
            out=out,
            workers=workers,
            renders=renders,
            godot=godot,
            overrides=overrides,
            on_outcome=on_outcome,
        )
    print_generate_summary(report, store_url=store.url)
    if asset_store is not None:
        console.print(f"assets: {len(uploaded)} scenario(s) uploaded to {asset_store.url}")
    if not report.complete:
        fail(
            "some families did not reach --count promoted scenarios (see `benchgen stats`)", code=1
        )


@app.command()
@reports_errors
def verify(
    folder: Annotated[Path, typer.Argument(help="A dataset folder or one scenario folder.")],
    rebuild: Annotated[
        bool, typer.Option("--rebuild/--no-rebuild", help="Check byte-identical rebuild.")
    ] = True,
    godot: Annotated[
        bool, typer.Option("--godot/--no-godot", help="Also run every scenario in Godot.")
    ] = False,
    physics_engine: Annotated[
        list[str] | None,
        typer.Option(
            "--physics-engine",
            help=(
                "With --godot: a 3D engine to check on and require, jolt or godot (default:"
                " both are checked, Jolt's agreement is required)."
            ),
        ),
    ] = None,
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            help="With --godot: native Godot processes sharing the scenes (default: one per core).",
        ),
    ] = os.cpu_count() or 1,
) -> None:
    """Re-verify every scenario under FOLDER; exit non-zero if any fails."""
    from benchgen.pipeline import reverify_folder

    folders = scenario_folders(folder)
    reports = []
    with Progress(
        TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        task = bar.add_task("verify", total=len(folders))
        for path in folders:
            reports.append(reverify_folder(path, rebuild=rebuild))
            bar.advance(task)
    if godot:
        from benchgen.godot.crosscheck import agreement_by_engine, crosscheck, required_engines

        # Named engines are all required; by default both run and Jolt (the project's) decides.
        engines = physics_engine or None
        reports = crosscheck(folder, reports, engines=engines, processes=processes)
        needed = required_engines(engines)
        for engine in agreement_by_engine(reports):
            note = "" if engine.engine in needed else " (reported only: scenarios target Jolt)"
            console.print(
                f"Godot agreement with MuJoCo on {engine.engine}: "
                f"{engine.agreed}/{engine.checked} scenarios{note}"
            )
    table = Table(title=f"Re-verification of {folder}")
    table.add_column("scenario")
    table.add_column("result")
    table.add_column("failed checks")
    for r in reports:
        failed = "; ".join(f"{c.name}: {c.reason} {c.detail}" for c in r.checks if not c.passed)
        table.add_row(
            r.scenario_id or r.folder, "[green]ok[/]" if r.ok else "[red]FAILED[/]", failed
        )
    console.print(table)
    bad = sum(not r.ok for r in reports)
    console.print(f"{len(reports) - bad} passed, {bad} failed")
    if bad:
        raise typer.Exit(1)


@app.command()
@reports_errors
def show(
    scenario_id: Annotated[str, typer.Argument(help="A scenario id, or a scenario folder.")],
    out: OutOption = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print scenario.json as it is.")] = False,
) -> None:
    """Show one scenario: parameters, zones, verification and files."""
    from benchgen.spec import dump_spec, load_spec

    folder = Path(scenario_id)
    if not (folder / "scenario.json").is_file():
        matches = sorted(out.glob(f"*/{scenario_id}/scenario.json"))
        if not matches:
            fail(f"no scenario {scenario_id!r} under {out}; list them with `ls {out}/*/`")
        folder = matches[0].parent
    spec = load_spec(folder)
    if as_json:
        typer.echo(dump_spec(spec), nl=False)
        return
    console.print(f"[bold]{spec.id}[/]  family {spec.family}, seed {spec.seed}\n{spec.task}")
    console.print(f"folder: {folder}")
    params = Table("parameter", "value", title="Parameters")
    for key, value in sorted(spec.params.items()):
        params.add_row(key, str(value))
    console.print(params)
    zones = Table("zone", "min (m)", "max (m)", "yaw (deg)", title="Zones")
    zones.add_row("workspace", str(spec.workspace.min), str(spec.workspace.max), "0")
    rows = [("build", spec.build_zone), ("goal", spec.goal_zone)]
    rows += [(f"forbid {i}", z) for i, z in enumerate(spec.forbid_zones)]
    for name, zone in rows:
        zones.add_row(name, str(zone.min), str(zone.max), f"{zone.yaw_deg:g}")
    console.print(zones)
    if spec.verification:
        checks = Table("check", "passed", "detail", title="Verification")
        for c in spec.verification.checks:
            checks.add_row(c.name, "yes" if c.passed else f"[red]no ({c.reason})[/]", c.detail)
        console.print(checks)
        for t in spec.verification.trials:
            console.print(
                f"trial {t.action}: {t.outcome} ({t.reason or '-'}) at {t.sim_time_s} s, "
                f"max speed {t.max_speed} m/s"
            )
    console.print(f"files: {', '.join(sorted(spec.files))}")


@app.command()
@reports_errors
def stats(
    out: OutOption = DEFAULT_OUT,
    db: DbOption = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw a PNG chart.")] = None,
) -> None:
    """Summarise acceptance per family and the top rejection reasons."""
    if db is None and not (out / "benchgen.sqlite").is_file():
        fail(f"no store in {out} (benchgen.sqlite): run `benchgen generate --out {out}` first")
    rows = _store(out, db).stats()
    table = Table(
        "family",
        "attempts",
        "promoted",
        "rejected",
        "acceptance",
        "top rejection reasons",
        title="Acceptance per family",
    )
    for s in rows:
        reasons = ", ".join(f"{r} ×{n}" for r, n in s.top_reasons) or "-"
        table.add_row(
            s.family,
            str(s.attempts),
            str(s.promoted),
            str(s.rejected),
            f"{s.acceptance:.0%}",
            reasons,
        )
    console.print(table)
    if plot is not None:
        from benchgen.render.plots import acceptance_chart

        if not plot.parent.is_dir():
            fail(
                f"--plot {plot}: the folder {plot.parent} does not exist; "
                "create it first or choose a path in an existing folder"
            )
        acceptance_chart(rows, plot, title=f"Acceptance per family in {out}")
        console.print(f"chart: {plot}")


@app.command()
@reports_errors
def fetch(
    uri: Annotated[str, typer.Argument(help="A scenario URI printed by `generate --assets`.")],
    out: OutOption = DEFAULT_OUT,
) -> None:
    """Download one scenario from the asset store into OUT/<family>/<id>/."""
    from benchgen.store import fetch_scenario

    folder = fetch_scenario(uri, out)
    console.print(f"fetched {uri} into [bold]{folder}[/]; check it with `benchgen verify {folder}`")
