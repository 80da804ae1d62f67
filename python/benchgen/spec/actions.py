"""Solutions as geometry, and the action-space rules a solution must keep.

A :class:`~benchgen.spec.models.Solution` names part kinds from the scenario's catalog
and where they go; :func:`placed_parts` turns it into the convex pieces MuJoCo and Godot
collide with. :func:`action_space_problems` lists, in sentences a solver can act on,
every way a solution breaks the action space (speed, direction, kinds, counts,
orientation, build zone). Whether placed parts collide with the scene is a question of
the whole scenario: :mod:`benchgen.verify.solution` answers it.
"""

from __future__ import annotations

import math
from collections import Counter

from benchgen.spec.models import ActionSpace, Piece, PlacedPart, Placement, Pose, Solution, Zone
from benchgen.spec.pieces import box_corners, quat_from_euler

__all__ = [
    "action_space_problems",
    "placed_parts",
    "placement_piece",
]

#: Slack on speed, direction and build-zone limits (m, m/s): a solution printed with a
#: few decimals must not fail by rounding.
TOLERANCE = 1e-6


def placement_piece(placement: Placement, size: list[float]) -> Piece:
    """Return the box piece of a placement of a part whose full extents are ``size``."""
    roll, pitch, yaw = placement.rotation_deg
    return Piece(
        shape="box",
        size=[round(s / 2, 9) for s in size],
        pose=Pose(pos=list(placement.position), quat=quat_from_euler(roll, pitch, yaw)),
    )


def placed_parts(solution: Solution, action_space: ActionSpace) -> list[PlacedPart]:
    """Return the solution's placements as parts named ``<kind>_<n>``.

    Raises:
        KeyError: a placement names a kind the catalog does not have (check
            :func:`action_space_problems` first).
    """
    parts, seen = [], Counter[str]()
    for placement in solution.parts:
        kind = action_space.kind(placement.kind)
        if kind is None:
            raise KeyError(f"{placement.kind!r} is not in the part catalog")
        seen[kind.kind] += 1
        parts.append(
            PlacedPart(
                name=f"{kind.kind}_{seen[kind.kind]}",
                pieces=[placement_piece(placement, kind.size)],
                friction=kind.friction,
            )
        )
    return parts


def _finite(solution: Solution) -> bool:
    numbers = list(solution.push.velocity) if solution.push else []
    for placement in solution.parts:
        numbers += [*placement.position, *placement.rotation_deg]
    return all(math.isfinite(v) for v in numbers)


def _push_problems(solution: Solution, space: ActionSpace) -> list[str]:
    if solution.push is None:
        return []
    if space.push is None:
        return ["this scenario allows no push: leave 'push' out (null)"]
    vx, vy, vz = solution.push.velocity
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    problems = []
    if speed > space.push.max_speed + TOLERANCE:
        problems.append(
            f"the push speed is {speed:.4f} m/s; the most allowed is "
            f"{space.push.max_speed:.4f} m/s: scale the velocity down"
        )
    if speed < space.push.min_speed - TOLERANCE:
        problems.append(
            f"the push speed is {speed:.4f} m/s; the least allowed is "
            f"{space.push.min_speed:.4f} m/s: scale the velocity up"
        )
    if space.push.directions == "horizontal" and abs(vz) > TOLERANCE:
        problems.append(
            f"the push must be horizontal, but its z component is {vz:.4f}: set it to 0"
        )
    return problems


def _part_problems(solution: Solution, space: ActionSpace, build_zone: Zone) -> list[str]:
    if not solution.parts:
        return []
    if space.parts is None:
        return ["this scenario allows no parts: leave 'parts' empty"]
    problems = []
    counts = Counter(p.kind for p in solution.parts)
    kinds = ", ".join(k.kind for k in space.parts.catalog)
    for name, count in sorted(counts.items()):
        kind = space.kind(name)
        if kind is None:
            problems.append(f"{name!r} is not a part kind here; the catalog has: {kinds}")
        elif count > kind.max_count:
            problems.append(
                f"{count} parts of kind {name!r} were placed; at most {kind.max_count} allowed"
            )
    for index, placement in enumerate(solution.parts):
        kind = space.kind(placement.kind)
        if kind is None:
            continue
        roll, pitch, _ = placement.rotation_deg
        if space.parts.orientation == "yaw" and (abs(roll) > TOLERANCE or abs(pitch) > TOLERANCE):
            problems.append(
                f"part {index} ({placement.kind}) is tilted (roll {roll}, pitch {pitch}); only a "
                "rotation about the vertical axis (yaw) is allowed: set roll and pitch to 0"
            )
        piece = placement_piece(placement, kind.size)
        corners = box_corners(piece.size, piece.pose.pos, piece.pose.quat)
        outside = [c for c in corners if not build_zone.contains_point(c, margin=-TOLERANCE)]
        if outside:
            where = [round(float(v), 3) for v in outside[0]]
            problems.append(
                f"part {index} ({placement.kind}) at {list(placement.position)} reaches outside "
                f"the build zone (corner {where}); the whole part must lie inside it"
            )
    return problems


def action_space_problems(solution: Solution, space: ActionSpace, build_zone: Zone) -> list[str]:
    """Return every way ``solution`` breaks the action space, as sentences (none = valid)."""
    if not _finite(solution):
        return ["every number of a solution must be finite (no NaN or infinity)"]
    return _push_problems(solution, space) + _part_problems(solution, space, build_zone)
