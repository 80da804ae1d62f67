"""MuJoCo (Z-up) to Godot (Y-up) coordinates.

Both are right-handed and in metres. Godot ``(x, y, z) = (x_mj, z_mj, -y_mj)``: the
basis change ``C`` below is a proper rotation (-90° about X), so a rotation ``R`` in
MuJoCo's frame is ``C·R·Cᵀ`` in Godot's, and a box's local axes map the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from benchgen.spec.models import Box, Pose, Zone
from benchgen.spec.pieces import quat_from_euler, quat_to_matrix

__all__ = [
    "MJ_TO_GODOT",
    "box_to_godot",
    "point_to_godot",
    "pose_to_godot",
    "rotation_to_godot",
    "zone_to_godot",
]

MJ_TO_GODOT = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


def point_to_godot(p: ArrayLike) -> np.ndarray:
    """Map a point, a direction or an N×3 array of them to the Godot frame."""
    return np.asarray(p, dtype=float) @ MJ_TO_GODOT.T


def rotation_to_godot(quat: Sequence[float]) -> np.ndarray:
    """Return the Godot-frame 3×3 rotation of a MuJoCo quaternion ``[w, x, y, z]``."""
    return MJ_TO_GODOT @ quat_to_matrix(quat) @ MJ_TO_GODOT.T


def pose_to_godot(pose: Pose) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(basis, origin)`` of a MuJoCo pose in the Godot frame."""
    return rotation_to_godot(pose.quat), point_to_godot(pose.pos)


def box_to_godot(box: Box) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(position, size)`` of an axis-aligned MuJoCo box as a Godot AABB."""
    corners = point_to_godot([box.min, box.max])
    low, high = corners.min(axis=0), corners.max(axis=0)
    return low, high - low


def zone_to_godot(zone: Zone) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(basis, centre, size)`` of a zone in the Godot frame.

    ``size`` is along the zone's own axes in Godot (x, then up, then MuJoCo's -y).
    """
    basis = rotation_to_godot(quat_from_euler(0.0, 0.0, zone.yaw_deg))
    sx, sy, sz = zone.size
    return basis, point_to_godot(zone.center), np.array([sx, sz, sy], dtype=float)
