"""``benchgen temporal-dev | worker | generate-cluster``: generation on a Temporal cluster."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from benchgen.cli._common import (
    DEFAULT_OUT,
    CountOption,
    GodotOption,
    ParamsOption,
    RendersOption,
    SeedOption,
    console,
    fail,
    reports_errors,
)
from benchgen.cli.app import app

__all__: list[str] = []

DEFAULT_ADDRESS = "127.0.0.1:7233"
_ADDRESS = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")


def _check_address(value: str) -> str:
    """Refuse an address that is not HOST:PORT, before Temporal's client sees it."""
    match = _ADDRESS.match(value.strip())
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise typer.BadParameter(
            f"{value!r} is not HOST:PORT (a host name or IP, then a port 1-65535), "
            f"e.g. {DEFAULT_ADDRESS}"
        )
    return value.strip()


AddressOption = Annotated[
    str,
    typer.Option("--address", "-a", help="Temporal frontend, HOST:PORT.", callback=_check_address),
]
QueueOption = Annotated[
    str, typer.Option("--task-queue", "-q", help="Task queue shared by client and workers.")
]


@app.command("temporal-dev")
@reports_errors
def temporal_dev(
    port: Annotated[int, typer.Option("--port", "-p", help="gRPC port of the server.")] = 7233,
    ip: Annotated[
        str, typer.Option("--ip", help="Address to bind; 0.0.0.0 lets other machines in.")
    ] = "127.0.0.1",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder of temporal.sqlite (the server state).")
    ] = DEFAULT_OUT,
    ui: Annotated[
        bool, typer.Option("--ui/--no-ui", help="Serve the Web UI on PORT+1000.")
    ] = False,
) -> None:
    """Run the bundled Temporal dev server (SQLite persistence) until Ctrl-C or SIGTERM."""
    from benchgen.orchestration.devserver import dev_server_command

    out.mkdir(parents=True, exist_ok=True)
    argv = dev_server_command(port=port, db_filename=out / "temporal.sqlite", ip=ip, ui=ui)
    console.print(
        f"Temporal dev server on [bold]{ip}:{port}[/] (state in {out / 'temporal.sqlite'}).\n"
        f"Workers:  benchgen worker --address {ip}:{port}\n"
        f"Jobs:     benchgen generate-cluster --address {ip}:{port} --family ramp_to_goal "
        f"--count 10 --out {out}"
    )
    sys.stdout.flush()
    # Become the server, so Ctrl-C and SIGTERM reach it directly and no child is orphaned.
    os.execv(argv[0], argv)


@app.command()
@reports_errors
def worker(
    address: AddressOption = DEFAULT_ADDRESS,
    task_queue: QueueOption = "benchgen",
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", "-c", help="Scenarios built at once (default: CPUs)."),
    ] = None,
) -> None:
    """Build scenarios for jobs on the task queue until Ctrl-C (run one per machine)."""
    from benchgen.orchestration.worker import run_worker

    console.print(f"worker polling [bold]{task_queue}[/] on {address}; Ctrl-C stops it")
    run_worker(address, task_queue, max_concurrent=concurrency)


@app.command("generate-cluster")
@reports_errors
def generate_cluster(
    family: Annotated[str, typer.Option("--family", "-f", help="A family name, or 'all'.")],
    address: AddressOption = DEFAULT_ADDRESS,
    task_queue: QueueOption = "benchgen",
    count: CountOption = 3,
    seed: SeedOption = 0,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Dataset folder, at the same path on every worker.")
    ] = DEFAULT_OUT,
    renders: RendersOption = True,
    godot: GodotOption = True,
    params: ParamsOption = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Store URL the workers write to (default: SQLite in OUT)."),
    ] = None,
    max_in_flight: Annotated[
        int, typer.Option("--max-in-flight", help="Attempts scheduled at once.")
    ] = 64,
) -> None:
    """Generate COUNT verified scenarios per family on the workers of a Temporal cluster."""
    from benchgen.cli._common import family_progress, parse_params, print_generate_summary
    from benchgen.families import family_names
    from benchgen.orchestration.client import generate_on_cluster
    from benchgen.pipeline import check_output_folder
    from benchgen.store import default_db_url

    names = family_names() if family == "all" else [family]
    overrides = parse_params(params)
    check_output_folder(out)
    with family_progress(names, count) as show:
        report = generate_on_cluster(
            names,
            count=count,
            seed=seed,
            out=out,
            address=address,
            task_queue=task_queue,
            renders=renders,
            godot=godot,
            overrides=overrides,
            max_in_flight=max_in_flight,
            store_url=db or default_db_url(out),
            on_outcome=show,
        )
    print_generate_summary(report, store_url=db or default_db_url(out))
    if not report.complete:
        fail(
            "some families did not reach --count promoted scenarios (see `benchgen stats`)", code=1
        )
