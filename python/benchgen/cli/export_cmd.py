"""``benchgen export-godot``: (re)write the Godot scene of every scenario under a folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from benchgen.cli._common import console, reports_errors, scenario_folders
from benchgen.cli.app import app

__all__: list[str] = []


def _export_folder(folder: Path) -> list[Path]:
    """Export one scenario folder's Godot scene and refresh the hashes in its scenario.json."""
    from benchgen.export import export_scenario
    from benchgen.pipeline.build import file_hashes
    from benchgen.spec.io import dump_spec, load_spec

    spec = load_spec(folder)
    written = export_scenario(spec, folder)
    spec.files = file_hashes(folder)
    tmp = folder / ".scenario.json.tmp"
    tmp.write_text(dump_spec(spec), encoding="utf-8")
    os.replace(tmp, folder / "scenario.json")
    return written


@app.command("export-godot")
@reports_errors
def export_godot(
    folder: Annotated[Path, typer.Argument(help="A dataset folder or one scenario folder.")],
) -> None:
    """Write godot/scene.tscn (and its .tres resources) for every scenario under FOLDER."""
    folders = scenario_folders(folder)
    for path in folders:
        written = _export_folder(path)
        console.print(f"{path.name}  {len(written)} files  {written[0]}")
    console.print(f"exported {len(folders)} scenario(s)")
