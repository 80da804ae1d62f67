"""Convex pieces: one primitive described once, built as build123d geometry and as MJCF.

Pieces are spec data (numpy over the spec models, no CAD): families compose parts from them,
cad builds them as build123d solids, mjcf as geoms, export as Godot shapes.

A family composes every part from boxes (and the moved object may be a sphere), so the
collision shapes are exact: the same box goes to MuJoCo as a ``box`` geom and to Godot as
a ``ConvexPolygonShape3D`` of its eight corners (docs/architecture.md, "Collision", says why
no concave mesh is ever used for collision).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from benchgen.spec.models import Box, Piece, Pose

__all__ = [
    "box_corners",
    "box_piece",
    "boxes_overlap",
    "piece_aabb",
    "piece_corners",
    "quat_from_euler",
    "quat_multiply",
    "quat_to_matrix",
    "sphere_box_overlap",
    "sphere_piece",
]


def _r(value: float) -> float:
    """Round to 0.1 µm so spec files carry no float noise."""
    return round(float(value), 7) + 0.0


def quat_from_euler(
    roll_deg: float = 0.0, pitch_deg: float = 0.0, yaw_deg: float = 0.0
) -> list[float]:
    """Return ``[w, x, y, z]`` for a rotation about X, then Y, then Z (extrinsic)."""
    half = [math.radians(a) / 2 for a in (roll_deg, pitch_deg, yaw_deg)]
    cr, cp, cy = (math.cos(h) for h in half)
    sr, sp, sy = (math.sin(h) for h in half)
    quat = [
        cr * cp * cy + sr * sp * sy,
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
    ]
    return [_r(v) for v in quat]


def quat_to_matrix(quat: Sequence[float]) -> np.ndarray:
    """Return the 3×3 rotation matrix of a unit quaternion ``[w, x, y, z]``."""
    w, x, y, z = quat
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def box_piece(
    size: Sequence[float],
    at: Sequence[float],
    *,
    roll: float = 0.0,
    pitch: float = 0.0,
    yaw: float = 0.0,
) -> Piece:
    """Return a box piece of full ``size`` (x, y, z) centred ``at``, rotated by degrees."""
    return Piece(
        shape="box",
        size=[_r(s / 2) for s in size],
        pose=Pose(pos=[_r(v) for v in at], quat=quat_from_euler(roll, pitch, yaw)),
    )


def sphere_piece(radius: float, at: Sequence[float]) -> Piece:
    """Return a sphere piece of ``radius`` centred ``at``."""
    return Piece(shape="sphere", size=[_r(radius)], pose=Pose(pos=[_r(v) for v in at]))


def piece_corners(piece: Piece) -> np.ndarray:
    """Return the eight world-space corners of a box piece (8×3)."""
    if piece.shape != "box":
        raise ValueError(f"piece_corners needs a box piece, got a {piece.shape}")
    return box_corners(piece.size, piece.pose.pos, piece.pose.quat)


def piece_aabb(piece: Piece) -> Box:
    """Return the world axis-aligned bounding box of a piece."""
    if piece.shape == "sphere":
        centre, r = np.asarray(piece.pose.pos), piece.size[0]
        return Box(min=list(centre - r), max=list(centre + r))
    corners = piece_corners(piece)
    return Box(min=list(corners.min(axis=0)), max=list(corners.max(axis=0)))


def quat_multiply(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Return the quaternion product ``a ⊗ b`` (the rotation ``b`` first, then ``a``)."""
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return [
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ]


def box_corners(size: Sequence[float], at: Sequence[float], quat: Sequence[float]) -> np.ndarray:
    """Return the eight world corners (8×3) of a box of half-extents ``size``."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    return (signs * np.asarray(size)) @ quat_to_matrix(quat).T + np.asarray(at)


def boxes_overlap(a: Piece, b: Piece, *, tol: float = 1e-6) -> bool:
    """Return whether two box pieces share interior volume (separating-axis test).

    Boxes that only touch, or overlap by less than ``tol`` metres, do not count.
    """
    ra, rb = quat_to_matrix(a.pose.quat), quat_to_matrix(b.pose.quat)
    ha, hb = np.asarray(a.size), np.asarray(b.size)
    d = np.asarray(b.pose.pos) - np.asarray(a.pose.pos)
    axes = [ra[:, i] for i in range(3)] + [rb[:, i] for i in range(3)]
    axes += [np.cross(ra[:, i], rb[:, j]) for i in range(3) for j in range(3)]
    for axis in axes:
        norm = float(np.linalg.norm(axis))
        if norm < 1e-9:
            continue
        n = axis / norm
        reach = float(np.abs(ra.T @ n) @ ha + np.abs(rb.T @ n) @ hb)
        if abs(float(d @ n)) >= reach - tol:
            return False
    return True


def sphere_box_overlap(
    centre: Sequence[float], radius: float, b: Piece, *, tol: float = 1e-6
) -> bool:
    """Return whether a sphere reaches more than ``tol`` metres into a box piece."""
    rot = quat_to_matrix(b.pose.quat)
    local = rot.T @ (np.asarray(centre) - np.asarray(b.pose.pos))
    nearest = np.clip(local, -np.asarray(b.size), np.asarray(b.size))
    return float(np.linalg.norm(local - nearest)) < radius - tol
