"""``benchgen serve``: the HTTP backend of the Godot dock, on 127.0.0.1 by default."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from benchgen.cli._common import DEFAULT_OUT, console, fail, reports_errors
from benchgen.cli.app import app

__all__ = ["is_loopback"]


def is_loopback(host: str) -> bool:
    """Return True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port.")] = 8765,
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder.")] = DEFAULT_OUT,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes per job.")
    ] = 1,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default: SQLite in --out).")
    ] = None,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a host other machines can reach.")
    ] = False,
) -> None:
    """Serve the HTTP API the Godot dock uses (jobs, scenarios, benchmark)."""
    if not is_loopback(host) and not allow_remote:
        fail(
            f"--host {host} is reachable from other machines and the API has no "
            "authentication; use 127.0.0.1, or pass --allow-remote if you really mean it"
        )
    import uvicorn

    from benchgen.server import create_app

    api = create_app(out, db_url=db, workers=workers)
    console.print(f"benchgen API on http://{host}:{port}  (OpenAPI: /openapi.json, out: {out})")
    uvicorn.run(api, host=host, port=port, log_level="info")
