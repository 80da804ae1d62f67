"""``benchgen serve``: the HTTP backend of the Godot dock, on 127.0.0.1 by default."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from benchgen import resources
from benchgen.cli._common import DEFAULT_OUT, console, fail, reports_errors
from benchgen.cli.app import app
from benchgen.extras import require

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
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes per job.")] = 1,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default: SQLite in --out).")
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote", help="Allow a host other machines can reach (needs the token)."
        ),
    ] = False,
    token: Annotated[
        bool | None,
        typer.Option(
            "--token/--no-token",
            help="Require a token generated at start (default: only with --allow-remote); "
            "it is written to the project setting benchgen/backend/token for the dock.",
        ),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="The Godot project (default: $BENCHGEN_PROJECT, the project holding --out, "
            "else the development checkout).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API the Godot dock uses (jobs, scenarios, benchmark)."""
    if not is_loopback(host) and not allow_remote:
        fail(
            f"--host {host} is reachable from other machines; use 127.0.0.1, or pass "
            "--allow-remote (which requires the token) if you really mean it"
        )
    if allow_remote and token is False:
        fail("--allow-remote requires the token: drop --no-token")
    require("server", what="benchgen serve")
    import uvicorn

    from benchgen.server import create_app
    from benchgen.server.guard import LOOPBACK_NAMES, TOKEN_SETTING, new_token, write_token_setting

    secret = new_token() if (token or allow_remote) else None
    hosts = None if allow_remote else (*LOOPBACK_NAMES, host)
    # The token is handed to the dock through the project's settings: it needs the project.
    token_project = resources.project_dir(project, near=out) if secret is not None else None
    project_dir = token_project or project
    api = create_app(
        out,
        db_url=db,
        workers=workers,
        project_dir=project_dir,
        hosts=hosts,
        token=secret,
        warm=True,  # the dock's first job should not wait for a process to start
    )
    if secret is not None and token_project is not None:
        write_token_setting(token_project / "project.godot", secret)
        console.print(f"token: {secret}  (also in {token_project}/project.godot, {TOKEN_SETTING})")
    console.print(f"benchgen API on http://{host}:{port}  (OpenAPI: /openapi.json, out: {out})")
    uvicorn.run(api, host=host, port=port, log_level="info")
