"""build123d geometry of pieces and parts, and its tessellation into meshes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from benchgen.errors import GeometryError
from benchgen.spec.models import Piece

if TYPE_CHECKING:
    import build123d as bd

__all__ = ["Mesh", "part_solid", "piece_solid", "tessellate"]

_TOLERANCE = 1e-3  # m of chord deviation
# Half-extent or radius (m) from which a one-piece part is a valid solid by construction.
_PRIMITIVE_MIN_SIZE = 1e-4
# rad; build123d meshes with a relative deflection: a ball of any radius is 10k triangles
_ANGULAR_TOLERANCE = 0.5


def _location(piece: Piece) -> bd.Location:
    """Return the build123d location (translation + axis-angle) of a piece's pose."""
    import build123d as bd

    w, x, y, z = piece.pose.quat
    axis_norm = math.sqrt(x * x + y * y + z * z)
    if axis_norm < 1e-12:
        return bd.Location(tuple(piece.pose.pos))
    angle = 2 * math.degrees(math.atan2(axis_norm, w))
    axis = (x / axis_norm, y / axis_norm, z / axis_norm)
    return bd.Location(tuple(piece.pose.pos), axis, angle)


def piece_solid(piece: Piece) -> bd.Solid:
    """Return the build123d solid of one convex piece, placed in world coordinates."""
    import build123d as bd

    if piece.shape == "box":
        hx, hy, hz = piece.size
        shape: bd.Part = bd.Box(2 * hx, 2 * hy, 2 * hz)
    else:
        shape = bd.Sphere(piece.size[0])
    return _location(piece) * shape


def part_solid(pieces: Sequence[Piece]) -> bd.Shape:
    """Fuse the pieces of one part into a single build123d shape and check it is valid.

    A part of one piece needs no fuse, and no check when every size is at least
    ``_PRIMITIVE_MIN_SIZE``: OCCT builds a box or a sphere of that size as a valid
    closed solid of positive volume by construction (its primitives' topology is fixed;
    the 1e-7 m vertex tolerance is a thousandth of the smallest edge), and checking one
    costs more than building it.

    Raises:
        GeometryError: the fused shape is not a valid closed solid.
    """
    solids = [piece_solid(p) for p in pieces]
    shape = solids[0]
    if len(pieces) == 1 and min(pieces[0].size) >= _PRIMITIVE_MIN_SIZE:
        return shape
    for other in solids[1:]:
        shape = shape + other
    if not shape.is_valid or shape.volume <= 0:
        raise GeometryError(
            f"fusing {len(solids)} pieces gave an invalid solid (volume {shape.volume:.3g} m³); "
            "check that no piece has a zero or negative size"
        )
    return shape


class Mesh:
    """A triangle mesh: float vertices (N×3) and uint32 triangles (M×3)."""

    __slots__ = ("triangles", "vertices")

    def __init__(self, vertices: np.ndarray, triangles: np.ndarray) -> None:
        self.vertices = vertices
        self.triangles = triangles

    def to_obj(self, name: str) -> str:
        """Return the mesh as Wavefront OBJ text (fixed precision, so deterministic)."""
        # One %-format over the flat arrays: ~10x faster than a line at a time.
        header = f"# benchgen mesh {name}\no {name}\n"
        verts = ("v %.6f %.6f %.6f\n" * len(self.vertices)) % tuple(self.vertices.ravel().tolist())
        faces = ("f %d %d %d\n" * len(self.triangles)) % tuple(
            (self.triangles + 1).ravel().tolist()
        )
        return header + verts + faces


def tessellate(shape: bd.Shape, *, tolerance: float = _TOLERANCE) -> Mesh:
    """Tessellate a build123d shape into a mesh with vertices rounded to 1 µm.

    The triangulation and every number are those of build123d's ``Shape.tessellate``
    (the same OCCT mesh, faces, nodes and transforms, in the same order); they are read
    here without its per-vertex ``Vector`` objects, which cost more than the meshing of a
    ball (5,000 vertices), and a face whose location is the identity skips the transform
    (``gp_Pnt::Transform`` leaves a point unchanged then).
    """
    from OCP.BRep import BRep_Tool
    from OCP.gp import gp_TrsfForm
    from OCP.TopAbs import TopAbs_Orientation
    from OCP.TopLoc import TopLoc_Location
    from OCP.TopoDS import TopoDS

    shape.mesh(tolerance, _ANGULAR_TOLERANCE)
    coords: list[tuple[float, float, float]] = []
    triangles: list[tuple[int, int, int]] = []
    offset = 0
    for item in shape.entities("Face"):  # what shape.faces() wraps, in its order
        face = TopoDS.Face(item)
        location = TopLoc_Location()
        poly = BRep_Tool.Triangulation_s(face, location)
        trsf = location.Transformation()
        count = poly.NbNodes()
        nodes = (poly.Node(i) for i in range(1, count + 1))
        if trsf.Form() != gp_TrsfForm.gp_Identity:
            nodes = (node.Transformed(trsf) for node in nodes)
        coords += [(p.X(), p.Y(), p.Z()) for p in nodes]
        base = offset - 1
        # poly.Triangle(i), not iterating poly.Triangles(): the iterator costs 0.3 ms a face.
        corners = (poly.Triangle(i).Get() for i in range(1, poly.NbTriangles() + 1))
        if face.Orientation() == TopAbs_Orientation.TopAbs_REVERSED:
            triangles += [(a + base, c + base, b + base) for a, b, c in corners]
        else:
            triangles += [(a + base, b + base, c + base) for a, b, c in corners]
        offset += count
    verts = np.round(np.array(coords, dtype=np.float64).reshape(-1, 3), 6) + 0.0
    tris = np.array(triangles, dtype=np.uint32).reshape(-1, 3)
    return Mesh(verts, tris)
