"""Static checks of a layout: valid solids, no intersections, in bounds, consistent zones."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from benchgen.cad.geometry import Geometry, build_geometry
from benchgen.spec.actions import action_space_problems, placed_parts
from benchgen.spec.layout import Layout, layout_of
from benchgen.spec.models import (
    Box,
    FailureReason,
    Piece,
    Pose,
    ScenarioSpec,
    VerificationCheck,
    Zone,
)
from benchgen.spec.pieces import (
    boxes_overlap,
    piece_aabb,
    quat_from_euler,
    quat_to_matrix,
    sphere_box_overlap,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from benchgen.families.base import Family

__all__ = [
    "BUILD_ZONE_FACTOR",
    "INTERSECTION_VOLUME_TOL",
    "validate",
    "validate_family",
    "validate_layout",
    "zone_piece",
]

INTERSECTION_VOLUME_TOL = 1e-8  # m³ (10 mm³): touching faces are fine, overlap is not
#: A build zone covers at least this many times the footprint of the reference's parts.
BUILD_ZONE_FACTOR = 4.0
_BOUNDS_TOL = 1e-6


def _union(boxes: list[Box]) -> Box:
    lo = [min(b.min[i] for b in boxes) for i in range(3)]
    hi = [max(b.max[i] for b in boxes) for i in range(3)]
    return Box(min=lo, max=hi)


def _part_boxes(layout: Layout) -> dict[str, Box]:
    pieces: dict[str, list[Piece]] = {p.name: p.pieces for p in layout.static_parts}
    pieces["moved_object"] = [layout.moved_object.piece]
    for placed in placed_parts(layout.reference_solution, layout.action_space):
        pieces[f"solution_{placed.name}"] = placed.pieces
    return {name: _union([piece_aabb(p) for p in ps]) for name, ps in pieces.items()}


def zone_piece(zone: Zone) -> Piece:
    """Return a zone as a box piece (for overlap tests with parts and other zones)."""
    half = [v / 2 for v in zone.size]
    return Piece(
        shape="box", size=half, pose=Pose(pos=zone.center, quat=quat_from_euler(0, 0, zone.yaw_deg))
    )


def _touches(zone: Zone, piece: Piece) -> bool:
    if piece.shape == "sphere":
        return sphere_box_overlap(piece.pose.pos, piece.size[0], zone_piece(zone), tol=0.0)
    return boxes_overlap(zone_piece(zone), piece, tol=0.0)


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
        f"{n} is outside the workspace"
        for n, z in zones.items()
        if not ws.contains_box(z.aabb(), tol=_BOUNDS_TOL)
    ]
    problems += [
        f"the reference solution: {p}"
        for p in action_space_problems(
            layout.reference_solution, layout.action_space, layout.build_zone
        )
    ]
    return _check("in_bounds", problems, FailureReason.OUT_OF_BOUNDS)


def _build_zone_check(layout: Layout) -> VerificationCheck:
    """The build zone leaves a choice: at least BUILD_ZONE_FACTOR × the parts' footprint."""
    needed = 0.0
    for placement in layout.reference_solution.parts:
        kind = layout.action_space.kind(placement.kind)
        needed += kind.size[0] * kind.size[1] if kind else 0.0
    area = layout.build_zone.size[0] * layout.build_zone.size[1]
    if needed and area < BUILD_ZONE_FACTOR * needed - 1e-12:
        detail = (
            f"the build zone's footprint is {area * 1e4:.0f} cm², under {BUILD_ZONE_FACTOR}× "
            f"the {needed * 1e4:.0f} cm² the reference's parts cover: their place is given away"
        )
        return VerificationCheck(
            name="build_zone_size",
            passed=False,
            reason=FailureReason.BUILD_ZONE_TOO_SMALL,
            detail=detail,
        )
    return VerificationCheck(name="build_zone_size", passed=True)


def _zones_check(layout: Layout) -> VerificationCheck:
    problems = []
    start = layout.moved_object.piece
    goal = zone_piece(layout.goal_zone)
    for i, zone in enumerate(layout.forbid_zones):
        if boxes_overlap(zone_piece(zone), goal, tol=0.0):
            problems.append(f"forbid zone {i} overlaps the goal zone")
        if _touches(zone, start):
            problems.append(f"the moved object starts inside forbid zone {i}")
    if _touches(layout.goal_zone, start):
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
        ``zones_consistent``, ``build_zone_size``.
    """
    return [
        _geometry_check(geometry),
        _intersection_check(layout, geometry),
        _bounds_check(layout),
        _zones_check(layout),
        _build_zone_check(layout),
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
        layout = family.build(family.sample(seed))
        results[seed] = validate_layout(layout, build_geometry(layout))
    return results
