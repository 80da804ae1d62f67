"""Static checks of a layout: valid solids, no intersections, in bounds, consistent zones."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from benchgen.cad.geometry import Geometry, build_geometry
from benchgen.spec.layout import Layout, layout_of
from benchgen.spec.models import Box, FailureReason, Piece, ScenarioSpec, VerificationCheck
from benchgen.spec.pieces import piece_aabb, quat_to_matrix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from benchgen.families.base import Family

__all__ = ["INTERSECTION_VOLUME_TOL", "validate", "validate_family", "validate_layout"]

INTERSECTION_VOLUME_TOL = 1e-8  # m³ (10 mm³): touching faces are fine, overlap is not
_BOUNDS_TOL = 1e-6


def _union(boxes: list[Box]) -> Box:
    lo = [min(b.min[i] for b in boxes) for i in range(3)]
    hi = [max(b.max[i] for b in boxes) for i in range(3)]
    return Box(min=lo, max=hi)


def _part_boxes(layout: Layout) -> dict[str, Box]:
    pieces: dict[str, list[Piece]] = {p.name: p.pieces for p in layout.static_parts}
    pieces["moved_object"] = [layout.moved_object.piece]
    for placed in layout.reference_solution.parts:
        pieces[f"solution_{placed.name}"] = placed.pieces
    return {name: _union([piece_aabb(p) for p in ps]) for name, ps in pieces.items()}


def _check(name: str, problems: list[str], reason: FailureReason) -> VerificationCheck:
    if problems:
        return VerificationCheck(name=name, passed=False, reason=reason, detail="; ".join(problems))
    return VerificationCheck(name=name, passed=True)


def _geometry_check(geometry: Geometry) -> VerificationCheck:
    problems = [f"{name}: {msg}" for name, msg in sorted(geometry.errors.items())]
    return _check("geometry_valid", problems, FailureReason.INVALID_GEOMETRY)


def _intersection_check(layout: Layout, geometry: Geometry) -> VerificationCheck:
    boxes = _part_boxes(layout)
    problems = []
    for a, b in combinations(sorted(geometry.solids), 2):
        if not boxes[a].overlaps(boxes[b]):
            continue  # disjoint bounding boxes cannot share volume: skip the boolean
        common = geometry.solids[a] & geometry.solids[b]
        volume = common.volume if common is not None else 0.0
        if volume > INTERSECTION_VOLUME_TOL:
            problems.append(f"{a} and {b} overlap by {volume * 1e6:.2f} cm³")
    return _check("no_intersection", problems, FailureReason.INTERSECTION)


def _bounds_check(layout: Layout) -> VerificationCheck:
    ws = layout.workspace
    problems = [
        f"{name} reaches outside the workspace ({box.min} .. {box.max})"
        for name, box in _part_boxes(layout).items()
        if not ws.contains_box(box, tol=_BOUNDS_TOL)
    ]
    zones = {"goal_zone": layout.goal_zone, "build_zone": layout.build_zone}
    zones |= {f"forbid_zone_{i}": z for i, z in enumerate(layout.forbid_zones)}
    problems += [
        f"{n} is outside the workspace" for n, z in zones.items() if not ws.contains_box(z)
    ]
    for placed in layout.reference_solution.parts:
        for piece in placed.pieces:
            if not layout.build_zone.contains_box(piece_aabb(piece), tol=_BOUNDS_TOL):
                problems.append(f"solution part {placed.name} is not inside the build zone")
    return _check("in_bounds", problems, FailureReason.OUT_OF_BOUNDS)


def _zones_check(layout: Layout) -> VerificationCheck:
    problems = []
    start = piece_aabb(layout.moved_object.piece)
    for i, zone in enumerate(layout.forbid_zones):
        if zone.overlaps(layout.goal_zone):
            problems.append(f"forbid zone {i} overlaps the goal zone")
        if zone.overlaps(start):
            problems.append(f"the moved object starts inside forbid zone {i}")
    if layout.goal_zone.overlaps(start):
        problems.append("the moved object starts inside the goal zone")
    centre = np.asarray(layout.goal_zone.center)
    for part in layout.static_parts:
        if any(_inside_piece(centre, piece) for piece in part.pieces):
            problems.append(f"the goal zone's centre is inside the solid part {part.name}")
    return _check("zones_consistent", problems, FailureReason.ZONE_CONFLICT)


def _inside_piece(point: np.ndarray, piece: Piece) -> bool:
    """Return whether ``point`` lies strictly inside a box or sphere piece."""
    offset = point - np.asarray(piece.pose.pos)
    if piece.shape == "sphere":
        return bool(np.linalg.norm(offset) < piece.size[0])
    local = quat_to_matrix(piece.pose.quat).T @ offset
    return bool(np.all(np.abs(local) < np.asarray(piece.size)))


def validate_layout(layout: Layout, geometry: Geometry) -> list[VerificationCheck]:
    """Run the static checks of the promotion gate.

    Args:
        layout: the scenario layout (parts, zones, moved object, solution).
        geometry: its build123d solids, from :func:`benchgen.cad.build_geometry`.

    Returns:
        One check each: ``geometry_valid``, ``no_intersection``, ``in_bounds``,
        ``zones_consistent``.
    """
    return [
        _geometry_check(geometry),
        _intersection_check(layout, geometry),
        _bounds_check(layout),
        _zones_check(layout),
    ]


def validate(spec: ScenarioSpec) -> list[VerificationCheck]:
    """Run the static checks on a scenario spec, rebuilding its geometry with build123d.

    The seed's ``validate(Compound)``: valid closed solids, no pairwise intersections,
    everything inside the workspace, consistent zones.
    """
    layout = layout_of(spec)
    return validate_layout(layout, build_geometry(layout))


def validate_family(
    family: Family, *, seeds: Sequence[int] = (0, 1, 2, 3, 4)
) -> dict[int, list[VerificationCheck]]:
    """Run the static checks on several seeds of a family (its randomization range)."""
    results = {}
    for seed in seeds:
        layout = family.layout(family.sample(seed))
        results[seed] = validate_layout(layout, build_geometry(layout))
    return results
