"""problem.json: what a solver is given about a scenario, and nothing more.

The problem holds the scenario's numbers (frame, gravity, horizon, every static part as
boxes, the zones, the moved object) and its action space, with a task text written from
those numbers. It never holds the reference solution or anything derived from it: that
stays in scenario.json, for verification only.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchgen.spec.models import (
    ActionSpace,
    Box,
    Pose,
    ScenarioSpec,
    Solution,
    SuccessRule,
    Units,
    Zone,
)

__all__ = [
    "PROBLEM_VERSION",
    "Problem",
    "problem_json_schema",
    "problem_of",
    "rotation_deg",
    "solution_json_schema",
]

PROBLEM_VERSION: Literal[1] = 1
GRAVITY = [0.0, 0.0, -9.81]
_ROTATIONS = (
    "rotation_deg is [roll, pitch, yaw] in degrees: a rotation about the world X axis, then "
    "about Y, then about Z. A zone's yaw_deg turns it about the vertical axis through its "
    "centre (counter-clockwise seen from above)."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Frame(_Model):
    """Units and axes of every number in the problem."""

    units: Units = Field(default_factory=Units)
    gravity: list[float] = Field(default_factory=lambda: list(GRAVITY))
    rotations: str = _ROTATIONS


class ZoneBox(_Model):
    """A zone: a box of ``size`` (full extents) centred at ``center``, turned by ``yaw_deg``."""

    center: list[float]
    size: list[float]
    yaw_deg: float


class PartBox(_Model):
    """One convex box of a static part."""

    center: list[float]
    size: list[float] = Field(description="Full extents along the box's own axes (m).")
    rotation_deg: list[float]


class StaticPart(_Model):
    """A fixed part of the scene, as the boxes it collides with."""

    name: str
    friction: float
    boxes: list[PartBox]


class MovedObjectInfo(_Model):
    """The object the task is about, at rest at its start."""

    shape: Literal["box", "sphere"]
    size: list[float] = Field(description="Full extents (box) or [radius] (sphere), in m.")
    mass: float
    friction: float
    restitution: float
    start_position: list[float]
    start_rotation_deg: list[float]


class Problem(_Model):
    """Everything a solver is given (problem.json)."""

    problem_version: Literal[1] = PROBLEM_VERSION
    id: str
    family: str
    task: str
    frame: Frame = Field(default_factory=Frame)
    horizon_s: float
    timestep_s: float
    success: SuccessRule
    workspace: Box
    goal_zone: ZoneBox
    forbid_zones: list[ZoneBox]
    build_zone: ZoneBox
    moved_object: MovedObjectInfo
    static_parts: list[StaticPart]
    action_space: ActionSpace
    solution_format: str


def rotation_deg(quat: list[float]) -> list[float]:
    """Return ``[roll, pitch, yaw]`` (degrees, extrinsic X, Y, Z) of a unit quaternion."""
    w, x, y, z = quat
    roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
    pitch = math.asin(max(-1.0, min(1.0, 2 * (w * y - z * x))))
    yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    return [round(math.degrees(a), 6) + 0.0 for a in (roll, pitch, yaw)]


def _zone(zone: Zone) -> ZoneBox:
    return ZoneBox(center=zone.center, size=zone.size, yaw_deg=zone.yaw_deg)


def _pose_rotation(pose: Pose) -> list[float]:
    return rotation_deg(pose.quat)


def _v(values: list[float]) -> str:
    return "(" + ", ".join(f"{v:.3f}" for v in values) + ")"


def _zone_text(zone: ZoneBox) -> str:
    return f"centre {_v(zone.center)}, size {_v(zone.size)}, turned {zone.yaw_deg:.1f}°"


def _actions_text(space: ActionSpace, build_zone: ZoneBox) -> list[str]:
    lines = []
    if space.push is not None:
        which = "a horizontal velocity" if space.push.directions == "horizontal" else "a velocity"
        least = f"at least {space.push.min_speed:.3f} m/s and " if space.push.min_speed > 0 else ""
        lines.append(
            f"You may push it once at t = 0: {which} of {least}at most "
            f"{space.push.max_speed:.3f} m/s."
        )
    if space.parts is not None:
        kinds = "; ".join(
            f"{k.max_count} × {k.kind} (box {_v(k.size)} m, friction {k.friction:.2f})"
            for k in space.parts.catalog
        )
        turn = (
            "turned about the vertical axis"
            if space.parts.orientation == "yaw"
            else "in any orientation"
        )
        lines.append(
            f"Before it moves you may place fixed parts from this catalog, {turn}, each entirely "
            f"inside the build zone ({_zone_text(build_zone)}): {kinds}."
        )
    return lines


def _task(spec: ScenarioSpec, problem: dict[str, Any]) -> str:
    moved = spec.moved_object
    what = (
        f"a sphere of radius {moved.size[0]:.3f} m"
        if moved.shape == "sphere"
        else f"a box of size {_v([2 * s for s in moved.size])} m"
    )
    goal = problem["goal_zone"]
    lines = [
        spec.task,
        f"The moved object is {what}, {moved.mass:.3f} kg, friction {moved.friction:.2f}, at rest "
        f"at {_v(moved.start_pose.pos)}.",
        f"Success: its centre stays inside the goal zone ({_zone_text(goal)}) for "
        f"{spec.success.seconds:.2f} s without a break, within {spec.horizon_s:.1f} s, without "
        f"touching any of the {len(spec.forbid_zones)} forbidden zones or leaving the workspace.",
        *_actions_text(spec.action_space, problem["build_zone"]),
        "Units are metres, kilograms and seconds; z is up; gravity is 9.81 m/s² along -z.",
    ]
    return " ".join(lines)


_SOLUTION_FORMAT = (
    'Answer with one JSON object: {"push": {"velocity": [vx, vy, vz]} or null, "parts": '
    '[{"kind": "<a catalog kind>", "position": [x, y, z], "rotation_deg": [roll, pitch, yaw]}, '
    "...]}. position is the part's centre in world coordinates. Parts are placed first; the "
    "push is applied at t = 0."
)


def problem_of(spec: ScenarioSpec) -> Problem:
    """Return the problem a solver is given for ``spec`` (no reference solution in it)."""
    moved = spec.moved_object
    zones: dict[str, Any] = {
        "goal_zone": _zone(spec.goal_zone),
        "build_zone": _zone(spec.build_zone),
    }
    return Problem(
        id=spec.id,
        family=spec.family,
        task=_task(spec, zones),
        horizon_s=spec.horizon_s,
        timestep_s=spec.timestep_s,
        success=spec.success,
        workspace=spec.workspace,
        forbid_zones=[_zone(z) for z in spec.forbid_zones],
        moved_object=MovedObjectInfo(
            shape=moved.shape,
            size=moved.size if moved.shape == "sphere" else [2 * s for s in moved.size],
            mass=moved.mass,
            friction=moved.friction,
            restitution=moved.restitution,
            start_position=moved.start_pose.pos,
            start_rotation_deg=_pose_rotation(moved.start_pose),
        ),
        static_parts=[
            StaticPart(
                name=part.name,
                friction=part.friction,
                boxes=[
                    PartBox(
                        center=piece.pose.pos,
                        size=[2 * s for s in piece.size],
                        rotation_deg=_pose_rotation(piece.pose),
                    )
                    for piece in part.pieces
                ],
            )
            for part in spec.static_parts
        ],
        action_space=spec.action_space,
        solution_format=_SOLUTION_FORMAT,
        **zones,
    )


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def problem_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of problem.json."""
    return _schema(Problem, "benchgen Problem")


def solution_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a solution a solver returns."""
    return _schema(Solution, "benchgen Solution")
