"""``benchgen export-godot``: (re)write the Godot scene of every scenario under a folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from benchgen.cli._common import console, reports_errors, scenario_folders
from benchgen.cli.app import app

__all__: list[str] = []


def _export_folder(folder: Path) -> list[Path]:
    """Re-export one scenario's Godot scene in a staged copy and swap it in with fresh hashes.

    The copy, not the folder, is rewritten, so a crash leaves the old scenario whole.
    """
    from benchgen.export import export_scenario
    from benchgen.spec.folder import (
        GODOT_DIR,
        publish,
        regular_files,
        seal,
        staging,
    )
    from benchgen.spec.io import load_spec

    spec = load_spec(folder)
    with staging(folder) as tmp:
        for rel in regular_files(folder):
            if not rel.startswith(f"{GODOT_DIR}/"):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / rel, tmp / rel, follow_symlinks=False)
        written = export_scenario(spec, tmp)
        seal(spec, tmp)
        publish(tmp, folder, replace=True)
    return [folder / path.relative_to(tmp) for path in written]


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
