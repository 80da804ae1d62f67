"""A layout: everything of a scenario but its identity, and the spec made from it.

A family's ``layout`` hook returns a :class:`Layout`; :func:`spec_from_layout` adds the
identity (id, family, seed, parameters) and gives the :class:`ScenarioSpec` every later
stage reads. cad, verify and the agent tools take layouts too, so the model lives here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from benchgen.spec.models import (
    ActionSpace,
    Box,
    MovedObject,
    Part,
    Piece,
    Placement,
    Pose,
    ReferenceSolution,
    ScenarioSpec,
    SuccessRule,
    Zone,
)
from benchgen.spec.pieces import quat_multiply

__all__ = ["Layout", "box", "layout_of", "spec_from_layout", "turned", "zone"]


def _r(values: Sequence[float]) -> list[float]:
    return [round(float(v), 7) + 0.0 for v in values]


def box(lo: Sequence[float], hi: Sequence[float]) -> Box:
    """Return an axis-aligned box from its two corners, rounded to 0.1 µm."""
    return Box(min=_r(lo), max=_r(hi))


def zone(lo: Sequence[float], hi: Sequence[float], *, yaw_deg: float = 0.0) -> Zone:
    """Return a zone spanning two corners, turned by ``yaw_deg`` about its centre."""
    return Zone(min=_r(lo), max=_r(hi), yaw_deg=round(yaw_deg, 6) + 0.0)


class Layout(BaseModel):
    """What a family's ``layout`` returns: everything of a scenario but its identity."""

    model_config = ConfigDict(extra="forbid")

    task: str
    workspace: Box
    build_zone: Zone
    goal_zone: Zone
    forbid_zones: list[Zone]
    static_parts: list[Part]
    moved_object: MovedObject
    action_space: ActionSpace
    success: SuccessRule = Field(default_factory=SuccessRule)
    reference_solution: ReferenceSolution
    horizon_s: float

    @model_validator(mode="after")
    def _distinct_names(self) -> Layout:
        """Part names key meshes and MJCF geoms: they must be unique and not reserved."""
        names = [p.name for p in self.static_parts]
        reserved = [n for n in names if n == "moved_object" or n.startswith("solution_")]
        if reserved:
            raise ValueError(f"static part name {reserved[0]!r} is reserved; rename the part")
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"part names must be unique; {duplicates[0]!r} is used twice")
        return self


def spec_from_layout(
    layout: Layout, *, scenario_id: str, family: str, seed: int, params: dict[str, Any]
) -> ScenarioSpec:
    """Return the scenario spec of ``layout`` with its identity (not yet verified)."""
    return ScenarioSpec(
        id=scenario_id, family=family, seed=seed, params=params, **layout.model_dump()
    )


def layout_of(spec: ScenarioSpec) -> Layout:
    """Return the layout a spec was made from (its identity and verification dropped)."""
    return Layout.model_validate(spec.model_dump(include=set(Layout.model_fields)))


class _Turn:
    """A mirror across the x-z plane (optional), then a turn by ``yaw_deg`` about ``pivot``."""

    def __init__(self, yaw_deg: float, mirrored: bool, pivot: Sequence[float]) -> None:
        self.yaw, self.mirrored = yaw_deg, mirrored
        self.c, self.s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
        self.px, self.py = pivot[0], pivot[1]
        half = math.radians(yaw_deg) / 2
        self.q_yaw = [math.cos(half), 0.0, 0.0, math.sin(half)]

    def vector(self, v: Sequence[float]) -> list[float]:
        x, y = v[0], -v[1] if self.mirrored else v[1]
        return _r([self.c * x - self.s * y, self.s * x + self.c * y, v[2]])

    def point(self, p: Sequence[float]) -> list[float]:
        x, y, z = self.vector([p[0] - self.px, p[1] - self.py, p[2]])
        return _r([x + self.px, y + self.py, z])

    def quat(self, q: Sequence[float]) -> list[float]:
        w, x, y, z = q
        if self.mirrored:  # M R M with M = diag(1, -1, 1) keeps a box a box
            x, z = -x, -z
        return _r(quat_multiply(self.q_yaw, [w, x, y, z]))

    def angle(self, yaw_deg: float) -> float:
        turned = (-yaw_deg if self.mirrored else yaw_deg) + self.yaw
        return round((turned + 180.0) % 360.0 - 180.0, 6) + 0.0

    def pose(self, pose: Pose) -> Pose:
        return Pose(pos=self.point(pose.pos), quat=self.quat(pose.quat))

    def zone(self, z: Zone) -> Zone:
        centre = self.point(z.center)
        half = [v / 2 for v in z.size]
        return Zone(
            min=_r([c - h for c, h in zip(centre, half, strict=True)]),
            max=_r([c + h for c, h in zip(centre, half, strict=True)]),
            yaw_deg=self.angle(z.yaw_deg),
        )

    def box(self, b: Box) -> Box:
        corners = [
            self.point([x, y, z])
            for x in (b.min[0], b.max[0])
            for y in (b.min[1], b.max[1])
            for z in (b.min[2], b.max[2])
        ]
        lo = [min(c[i] for c in corners) for i in range(3)]
        return box(lo, [max(c[i] for c in corners) for i in range(3)])

    def piece(self, piece: Piece) -> Piece:
        return piece.model_copy(update={"pose": self.pose(piece.pose)})

    def placement(self, p: Placement) -> Placement:
        roll, pitch, yaw = p.rotation_deg
        if self.mirrored:
            roll = -roll
        return Placement(
            kind=p.kind,
            position=self.point(p.position),
            rotation_deg=[roll + 0.0, pitch, self.angle(yaw)],
        )


def turned(
    layout: Layout, *, yaw_deg: float, mirrored: bool = False, pivot: Sequence[float] = (0, 0)
) -> Layout:
    """Return ``layout`` mirrored across the x-z plane (optional), then turned about ``pivot``.

    Gravity is vertical, so the turned scenario is the same physical problem; what changes
    is every direction and position a solver must find. Zones turn with the scene (their
    ``yaw_deg``); the workspace becomes the axis-aligned box around the turned one.
    """
    t = _Turn(yaw_deg, mirrored, pivot)
    solution = layout.reference_solution
    push = solution.push
    return layout.model_copy(
        update={
            "workspace": t.box(layout.workspace),
            "build_zone": t.zone(layout.build_zone),
            "goal_zone": t.zone(layout.goal_zone),
            "forbid_zones": [t.zone(z) for z in layout.forbid_zones],
            "static_parts": [
                p.model_copy(update={"pieces": [t.piece(x) for x in p.pieces]})
                for p in layout.static_parts
            ],
            "moved_object": layout.moved_object.model_copy(
                update={"start_pose": t.pose(layout.moved_object.start_pose)}
            ),
            "reference_solution": solution.model_copy(
                update={
                    "push": push.model_copy(update={"velocity": t.vector(push.velocity)})
                    if push
                    else None,
                    "parts": [t.placement(p) for p in solution.parts],
                }
            ),
        }
    )
