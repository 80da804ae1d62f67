"""Build every part of a layout with build123d and write its meshes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchgen.cad.solids import Mesh, part_solid, tessellate
from benchgen.errors import GeometryError
from benchgen.spec.actions import placed_parts
from benchgen.spec.layout import Layout
from benchgen.spec.models import Piece

if TYPE_CHECKING:
    import build123d as bd

__all__ = ["Geometry", "build_geometry"]


@dataclass
class Geometry:
    """build123d shapes and meshes of a layout's parts, keyed by part name."""

    solids: dict[str, bd.Shape] = field(default_factory=dict)
    meshes: dict[str, Mesh] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def write_meshes(self, folder: Path) -> list[Path]:
        """Write ``meshes/<name>.obj`` for every part; return the paths written."""
        mesh_dir = folder / "meshes"
        mesh_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in sorted(self.meshes):
            path = mesh_dir / f"{name}.obj"
            path.write_text(self.meshes[name].to_obj(name), encoding="utf-8")
            written.append(path)
        return written


def _pieces_by_part(layout: Layout) -> dict[str, list[Piece]]:
    parts = {p.name: list(p.pieces) for p in layout.static_parts}
    parts["moved_object"] = [layout.moved_object.piece]
    for placed in placed_parts(layout.reference_solution, layout.action_space):
        parts[f"solution_{placed.name}"] = list(placed.pieces)
    return parts


def build_geometry(layout: Layout) -> Geometry:
    """Return the build123d solids and meshes of every part of ``layout``.

    Parts whose pieces do not fuse into a valid solid are recorded in ``errors``
    (the promotion gate reports them) instead of raising, so one bad part does not
    hide the others.
    """
    geometry = Geometry()
    for name, pieces in _pieces_by_part(layout).items():
        try:
            solid = part_solid(pieces)
        except GeometryError as exc:
            geometry.errors[name] = str(exc)
            continue
        geometry.solids[name] = solid
        if not name.startswith("solution_"):
            geometry.meshes[name] = tessellate(solid)
    return geometry
