"""build123d solids of convex pieces, fused parts, and their meshes."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest

from benchgen.cad import Mesh, part_solid, piece_aabb, piece_solid, tessellate
from benchgen.spec.models import Piece
from benchgen.spec.pieces import box_piece, sphere_piece


def _bbox(shape: Any) -> tuple[list[float], list[float]]:
    box = shape.bounding_box()
    return [box.min.X, box.min.Y, box.min.Z], [box.max.X, box.max.Y, box.max.Z]


def _mesh_volume(mesh: Mesh) -> float:
    """Return the volume a closed triangle mesh encloses (divergence theorem)."""
    a, b, c = (mesh.vertices[mesh.triangles[:, i]] for i in range(3))
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


@pytest.mark.parametrize(
    "piece",
    [
        pytest.param(box_piece((0.2, 0.4, 0.1), at=(1.0, -2.0, 0.5)), id="axis-aligned"),
        pytest.param(box_piece((0.2, 0.4, 0.1), at=(0, 0, 0.1), yaw=30), id="yawed"),
        pytest.param(box_piece((0.2, 0.4, 0.1), at=(0, 0, 0.1), roll=20, pitch=-35), id="tilted"),
    ],
)
def test_a_box_piece_is_a_solid_of_its_size_where_it_says(piece: Piece) -> None:
    solid = piece_solid(piece)
    hx, hy, hz = piece.size
    assert solid.volume == pytest.approx(8 * hx * hy * hz, rel=1e-9)
    lo, hi = _bbox(solid)
    aabb = piece_aabb(piece)
    assert lo == pytest.approx(aabb.min, abs=1e-6) and hi == pytest.approx(aabb.max, abs=1e-6)


def test_a_sphere_piece_has_the_volume_of_its_radius() -> None:
    solid = piece_solid(sphere_piece(0.03, at=(0.0, 0.0, 0.2)))
    assert solid.volume == pytest.approx(4 / 3 * math.pi * 0.03**3, rel=1e-6)
    lo, hi = _bbox(solid)
    assert lo == pytest.approx([-0.03, -0.03, 0.17], abs=1e-6)
    assert hi == pytest.approx([0.03, 0.03, 0.23], abs=1e-6)


def test_overlapping_pieces_fuse_into_one_valid_solid() -> None:
    """Two 0.2 m cubes overlapping by 0.05 m: the union counts the overlap once."""
    left = box_piece((0.2, 0.2, 0.2), at=(0.0, 0.0, 0.0))
    right = box_piece((0.2, 0.2, 0.2), at=(0.15, 0.0, 0.0))
    solid = part_solid([left, right])
    assert solid.is_valid
    assert len(solid.solids()) == 1
    assert solid.volume == pytest.approx(2 * 0.2**3 - 0.05 * 0.2 * 0.2, rel=1e-9)


def test_a_box_mesh_is_closed_and_encloses_the_box() -> None:
    piece = box_piece((0.2, 0.4, 0.1), at=(0.3, 0.0, 0.05), yaw=15)
    mesh = tessellate(part_solid([piece]))
    # Each face has its own vertices; edges are shared by position (rounded to 1 µm).
    at = [tuple(v) for v in mesh.vertices.tolist()]
    edges = Counter(
        tuple(sorted((at[a], at[b])))
        for tri in mesh.triangles.tolist()
        for a, b in ((tri[0], tri[1]), (tri[1], tri[2]), (tri[2], tri[0]))
    )
    assert set(edges.values()) == {2}, "every edge of a closed mesh borders two triangles"
    assert _mesh_volume(mesh) == pytest.approx(8 * 0.1 * 0.2 * 0.05, rel=1e-5)  # 1 µm rounding
    aabb = piece_aabb(piece)
    assert mesh.vertices.min(axis=0) == pytest.approx(aabb.min, abs=1e-6)
    assert mesh.vertices.max(axis=0) == pytest.approx(aabb.max, abs=1e-6)


def test_a_sphere_mesh_stays_within_the_chord_tolerance() -> None:
    mesh = tessellate(part_solid([sphere_piece(0.05, at=(0.0, 0.0, 0.0))]))
    radii = np.linalg.norm(mesh.vertices, axis=1)
    assert radii.max() == pytest.approx(0.05, abs=1e-6)  # vertices lie on the sphere
    assert _mesh_volume(mesh) == pytest.approx(4 / 3 * math.pi * 0.05**3, rel=0.05)


def test_the_obj_text_is_deterministic_and_complete() -> None:
    def mesh() -> Mesh:
        return tessellate(part_solid([box_piece((0.2, 0.2, 0.2), at=(0.0, 0.0, 0.1), yaw=10)]))

    first, second = mesh(), mesh()
    text = first.to_obj("floor")
    assert text == second.to_obj("floor")
    lines = text.splitlines()
    assert lines[:2] == ["# benchgen mesh floor", "o floor"]
    assert sum(line.startswith("v ") for line in lines) == len(first.vertices)
    faces = [line for line in lines if line.startswith("f ")]
    assert len(faces) == len(first.triangles)
    indices = [int(i) for face in faces for i in face.split()[1:]]
    assert min(indices) == 1 and max(indices) == len(first.vertices)  # OBJ counts from 1


def _build123d_mesh(pieces: list[Piece]) -> tuple[bytes, bytes]:
    """The mesh as build123d's own Shape.tessellate gives it (what benchgen wrote before)."""
    shape = piece_solid(pieces[0])
    for other in pieces[1:]:
        shape = shape + piece_solid(other)
    vertices, triangles = shape.tessellate(1e-3, 0.5)
    verts = np.round(np.array([[v.X, v.Y, v.Z] for v in vertices], dtype=np.float64), 6) + 0.0
    return verts.tobytes(), np.array(triangles, dtype=np.uint32).reshape(-1, 3).tobytes()


@pytest.mark.parametrize(
    "pieces",
    [
        pytest.param([sphere_piece(0.0268, at=(0.3, -0.2, 0.4))], id="ball"),
        pytest.param([box_piece((0.2, 0.4, 0.1), at=(0, 0, 0.1), roll=20, pitch=-35)], id="box"),
        pytest.param(
            [
                box_piece((0.3, 0.3, 0.02), at=(0.1, 0.2, 0.02), yaw=17),
                box_piece((0.02, 0.3, 0.1), at=(0.38, 0.2, 0.1), yaw=17),
                box_piece((0.3, 0.02, 0.1), at=(0.1, 0.48, 0.1), yaw=17),
            ],
            id="fused-bin",
        ),
    ],
)
def test_the_mesh_is_build123ds_tessellation_to_the_bit(pieces: list[Piece]) -> None:
    mesh = tessellate(part_solid(pieces))
    assert (mesh.vertices.tobytes(), mesh.triangles.tobytes()) == _build123d_mesh(pieces)
