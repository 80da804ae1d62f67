"""Compatibility name for :mod:`benchgen.spec.pieces`.

Scenario script.py files written before the pieces moved into spec import
``benchgen.cad.pieces``; this keeps them running. New code imports ``benchgen.spec.pieces``.
"""

from __future__ import annotations

from benchgen.spec.pieces import (
    box_piece,
    piece_aabb,
    piece_corners,
    quat_from_euler,
    quat_to_matrix,
    sphere_piece,
)

__all__ = [
    "box_piece",
    "piece_aabb",
    "piece_corners",
    "quat_from_euler",
    "quat_to_matrix",
    "sphere_piece",
]
