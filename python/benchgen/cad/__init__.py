"""CAD stage: build123d geometry of convex pieces, fused parts and their meshes."""

from __future__ import annotations

from benchgen.cad.geometry import Geometry, build_geometry
from benchgen.cad.solids import Mesh, part_solid, piece_solid, tessellate
from benchgen.spec.pieces import (
    box_piece,
    piece_aabb,
    piece_corners,
    quat_from_euler,
    quat_to_matrix,
    sphere_piece,
)

__all__ = [
    "Geometry",
    "Mesh",
    "box_piece",
    "build_geometry",
    "part_solid",
    "piece_aabb",
    "piece_corners",
    "piece_solid",
    "quat_from_euler",
    "quat_to_matrix",
    "sphere_piece",
    "tessellate",
]
