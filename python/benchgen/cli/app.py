"""The typer application and the registration of every sub-command module."""

from __future__ import annotations

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="benchgen",
    help="Generate randomized, physics-verified benchmark scenarios for agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    """Import the command modules; each adds its commands to ``app``."""
    from benchgen.cli import (  # noqa: F401  (imported for their side effect)
        agent_cmd,
        calibrate_cmd,
        cluster_cmd,
        eval_cmd,
        export_cmd,
        godot_cmd,
        pipeline_cmd,
        sandbox_cmd,
        serve_cmd,
    )


def main() -> None:
    """Run the CLI (console-script entry point)."""
    _register()
    app()
