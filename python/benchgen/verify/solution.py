"""Check a solution against a scenario, and the baseline solutions the gate measures.

:func:`solution_problems` is the one check every solution passes before it is simulated
(the gate's own trials, ``benchgen eval``, the Godot agents through the backend): the
action space (:func:`benchgen.spec.action_space_problems`), and placed parts that must
not reach into the scene's parts, each other, or the moved object at rest.

The baselines are what a careless solver would try: a random action from the action
space, the reference with its numbers jittered, and straight pushes at the goal.
"""

from __future__ import annotations

import math

import numpy as np

from benchgen.spec.actions import action_space_problems, placed_parts
from benchgen.spec.models import (
    Piece,
    Placement,
    PushAction,
    PushSpace,
    ScenarioSpec,
    Solution,
)
from benchgen.spec.pieces import boxes_overlap, sphere_box_overlap

__all__ = [
    "PENETRATION_TOL",
    "aimed_pushes",
    "perturbed",
    "push_speeds",
    "random_solution",
    "solution_problems",
]

#: Placed parts may sink this far into what they rest on (m); MuJoCo resolves it.
PENETRATION_TOL = 1e-3


def _reaches_into(piece: Piece, other: Piece) -> bool:
    if other.shape == "sphere":
        return sphere_box_overlap(other.pose.pos, other.size[0], piece, tol=PENETRATION_TOL)
    return boxes_overlap(piece, other, tol=PENETRATION_TOL)


def solution_problems(spec: ScenarioSpec, solution: Solution) -> list[str]:
    """Return every reason ``solution`` cannot be run in ``spec``, as sentences (none = ok)."""
    problems = action_space_problems(solution, spec.action_space, spec.build_zone)
    if problems:
        return problems
    parts = placed_parts(solution, spec.action_space)
    scene = [(p.name, piece) for p in spec.static_parts for piece in p.pieces]
    scene.append(("the moved object", spec.moved_object.piece))
    for index, part in enumerate(parts):
        mine = part.pieces[0]
        for name, piece in scene:
            if _reaches_into(mine, piece):
                problems.append(f"part {index} ({part.name}) reaches into {name}: move it")
                break
        for other_index, other in enumerate(parts[:index]):
            if _reaches_into(mine, other.pieces[0]):
                problems.append(f"parts {other_index} and {index} reach into each other")
    return problems


def _unit_quat_angles(rng: np.random.Generator) -> list[float]:
    """Return roll, pitch, yaw (degrees) of a uniformly random rotation."""
    u1, u2, u3 = rng.random(3)
    w = math.sqrt(1 - u1) * math.sin(2 * math.pi * u2)
    x = math.sqrt(1 - u1) * math.cos(2 * math.pi * u2)
    y = math.sqrt(u1) * math.sin(2 * math.pi * u3)
    z = math.sqrt(u1) * math.cos(2 * math.pi * u3)
    roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
    pitch = math.asin(max(-1.0, min(1.0, 2 * (w * y - z * x))))
    yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    return [math.degrees(a) for a in (roll, pitch, yaw)]


def random_solution(spec: ScenarioSpec, rng: np.random.Generator) -> Solution:
    """Return an action drawn uniformly from the scenario's action space.

    The push: a uniform direction (horizontal, or on the sphere) and a speed uniform in
    ``[min_speed, max_speed]``. Parts: for each kind, a count uniform in ``0..max_count``, each at
    a uniform point of the build zone with a uniform yaw (or rotation). Such a solution can
    break the action space (a part reaching out of the zone): it is then a failed try.
    """
    space = spec.action_space
    push = None
    if space.push is not None:
        speed = float(rng.uniform(space.push.min_speed, space.push.max_speed))
        if space.push.directions == "horizontal":
            angle = float(rng.uniform(-math.pi, math.pi))
            direction = [math.cos(angle), math.sin(angle), 0.0]
        else:
            v = rng.normal(size=3)
            direction = list(v / np.linalg.norm(v))
        push = PushAction(velocity=[speed * d for d in direction])
    parts = []
    zone = spec.build_zone
    for kind in space.parts.catalog if space.parts else []:
        for _ in range(int(rng.integers(0, kind.max_count + 1))):
            local = [float(rng.uniform(-h / 2, h / 2)) for h in zone.size]
            c, s = math.cos(math.radians(zone.yaw_deg)), math.sin(math.radians(zone.yaw_deg))
            cx, cy, cz = zone.center
            position = [
                cx + c * local[0] - s * local[1],
                cy + s * local[0] + c * local[1],
                cz + local[2],
            ]
            if space.parts is not None and space.parts.orientation == "free":
                rotation = _unit_quat_angles(rng)
            else:
                rotation = [0.0, 0.0, float(rng.uniform(-180, 180))]
            parts.append(Placement(kind=kind.kind, position=position, rotation_deg=rotation))
    return Solution(push=push, parts=parts)


def perturbed(
    spec: ScenarioSpec, solution: Solution, scale: float, rng: np.random.Generator
) -> Solution:
    """Return ``solution`` with each of its numbers jittered by up to ``scale`` of its range.

    The push's speed is multiplied by ``1 ± scale`` and its direction turned about the
    vertical by up to ``scale`` radians; a placed part moves by up to ``scale`` of its own
    size along each axis and turns by up to ``scale`` radians about the vertical.
    """
    push = None
    if solution.push is not None:
        vx, vy, vz = solution.push.velocity
        factor = 1 + float(rng.uniform(-scale, scale))
        turn = float(rng.uniform(-scale, scale))
        c, s = math.cos(turn), math.sin(turn)
        push = PushAction(
            velocity=[factor * (c * vx - s * vy), factor * (s * vx + c * vy), factor * vz]
        )
    parts = []
    for placement in solution.parts:
        kind = spec.action_space.kind(placement.kind)
        size = kind.size if kind else [0.0, 0.0, 0.0]
        position = [
            p + float(rng.uniform(-scale, scale)) * d
            for p, d in zip(placement.position, size, strict=True)
        ]
        roll, pitch, yaw = placement.rotation_deg
        yaw += math.degrees(float(rng.uniform(-scale, scale)))
        parts.append(
            placement.model_copy(update={"position": position, "rotation_deg": [roll, pitch, yaw]})
        )
    return Solution(push=push, parts=parts)


def aimed_pushes(spec: ScenarioSpec, *, speeds: int) -> list[Solution]:
    """Return straight pushes at the goal centre, at ``speeds`` evenly spaced speeds.

    The direction is horizontal, from the moved object's start towards the goal's centre;
    the speeds run evenly up to ``max_speed``: from ``max_speed / speeds``, or from
    ``min_speed`` when the push space sets one. No parts are placed.
    """
    if spec.action_space.push is None:
        return []
    start, goal = spec.moved_object.start_pose.pos, spec.goal_zone.center
    dx, dy = goal[0] - start[0], goal[1] - start[1]
    norm = math.hypot(dx, dy)
    if norm < 1e-9:
        return []
    return [
        Solution(push=PushAction(velocity=[v * dx / norm, v * dy / norm, 0.0]))
        for v in push_speeds(spec.action_space.push, speeds)
    ]


def push_speeds(space: PushSpace, count: int) -> list[float]:
    """Return ``count`` speeds spread evenly over the push space, ending at ``max_speed``.

    With no ``min_speed`` they are ``max_speed · k / count`` (k = 1..count); with one, they
    run from ``min_speed`` to ``max_speed``.
    """
    top, low = space.max_speed, space.min_speed
    if low <= 0:
        return [top * k / count for k in range(1, count + 1)]
    if count == 1:
        return [top]
    return [low + (top - low) * k / (count - 1) for k in range(count)]
