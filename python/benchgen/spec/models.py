"""Pydantic models of a scenario: the contract between every stage and both front doors.

Units are SI throughout (metres, kilograms, seconds); the world is Z-up as in MuJoCo.
Rotations are quaternions ``[w, x, y, z]`` (MuJoCo's order). Zones and the workspace
are axis-aligned boxes in world coordinates. The Godot exporter converts to Y-up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from benchgen.spec.ids import FAMILY_PATTERN, MAX_SEED, NAME_PATTERN, SCENARIO_ID_PATTERN

__all__ = [
    "FAMILY_PATTERN",
    "MAX_SEED",
    "NAME_PATTERN",
    "SCHEMA_VERSION",
    "ActionSpace",
    "Box",
    "Difficulty",
    "FailureReason",
    "MovedObject",
    "Part",
    "PartKind",
    "PartSpace",
    "Piece",
    "PlacedPart",
    "Placement",
    "Pose",
    "Provenance",
    "PushAction",
    "PushSpace",
    "ReferenceSolution",
    "ScenarioSpec",
    "Solution",
    "SuccessRule",
    "TrialResult",
    "Units",
    "Verification",
    "VerificationCheck",
    "Zone",
]

SCHEMA_VERSION: Literal[2] = 2

Vec3 = Annotated[list[float], Field(min_length=3, max_length=3)]
Quat = Annotated[list[float], Field(min_length=4, max_length=4)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)


class FailureReason(StrEnum):
    """Why a trial or a check failed; the names match the seed's reference implementation."""

    TIMEOUT = "TIMEOUT"
    OUT_OF_BOUNDS = "OUT_OF_BOUNDS"
    FORBID_ZONE_HIT = "FORBID_ZONE_HIT"
    PHYSICS_INSTABILITY = "PHYSICS_INSTABILITY"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    INTERSECTION = "INTERSECTION"
    INVALID_GEOMETRY = "INVALID_GEOMETRY"
    ZONE_CONFLICT = "ZONE_CONFLICT"
    NOT_SETTLED = "NOT_SETTLED"
    ENERGY_GROWTH = "ENERGY_GROWTH"
    TRIVIAL = "TRIVIAL"
    UNSOLVED = "UNSOLVED"
    NONDETERMINISTIC = "NONDETERMINISTIC"
    MODEL_REJECTED = "MODEL_REJECTED"
    HASH_MISMATCH = "HASH_MISMATCH"
    ENGINE_DISAGREEMENT = "ENGINE_DISAGREEMENT"
    BUILD_ERROR = "BUILD_ERROR"
    #: The moved object's centre entered the goal but did not stay for the dwell time.
    FLY_THROUGH = "FLY_THROUGH"
    #: A solution outside the action space (speed, direction, part kind, count, placement).
    INVALID_ACTION = "INVALID_ACTION"
    #: A shortcut (no parts, or a straight push at the goal) solves the scenario.
    SHORTCUT = "SHORTCUT"
    #: The reference fails under small perturbations of its action.
    FRAGILE = "FRAGILE"
    #: The build zone leaves no real choice of where the parts go.
    BUILD_ZONE_TOO_SMALL = "BUILD_ZONE_TOO_SMALL"


class Units(_Model):
    """Units of every number in the spec (fixed to SI)."""

    length: Literal["m"] = "m"
    mass: Literal["kg"] = "kg"
    time: Literal["s"] = "s"
    up_axis: Literal["z"] = "z"


class Box(_Model):
    """An axis-aligned box in world coordinates."""

    min: Vec3
    max: Vec3

    @model_validator(mode="after")
    def _ordered(self) -> Box:
        for axis, (lo, hi) in enumerate(zip(self.min, self.max, strict=True)):
            if not lo < hi:
                raise ValueError(
                    f"box min must be below max on every axis; axis {'xyz'[axis]} has "
                    f"min={lo} and max={hi}: swap them or widen the box"
                )
        return self

    @property
    def center(self) -> list[float]:
        return [(a + b) / 2 for a, b in zip(self.min, self.max, strict=True)]

    @property
    def size(self) -> list[float]:
        return [b - a for a, b in zip(self.min, self.max, strict=True)]

    def contains_point(self, p: list[float] | tuple[float, ...], margin: float = 0.0) -> bool:
        """Return whether ``p`` lies inside the box shrunk by ``margin``."""
        return all(
            lo + margin <= v <= hi - margin for v, lo, hi in zip(p, self.min, self.max, strict=True)
        )

    def contains_box(self, other: Box, tol: float = 1e-9) -> bool:
        """Return whether ``other`` lies entirely inside this box."""
        return all(
            lo - tol <= olo and ohi <= hi + tol
            for lo, hi, olo, ohi in zip(self.min, self.max, other.min, other.max, strict=True)
        )

    def overlaps(self, other: Box) -> bool:
        """Return whether the two boxes share interior volume."""
        return all(
            olo < hi and lo < ohi
            for lo, hi, olo, ohi in zip(self.min, self.max, other.min, other.max, strict=True)
        )


class Zone(_Model):
    """A box region, rotated by ``yaw_deg`` about the vertical axis through its centre.

    ``min`` and ``max`` are the box's corners before the rotation, so a zone with yaw 0 is
    the axis-aligned box they span (the form other tools read).
    """

    min: Vec3
    max: Vec3
    yaw_deg: float = Field(default=0.0, ge=-180.0, le=180.0)

    @model_validator(mode="after")
    def _ordered(self) -> Zone:
        Box(min=self.min, max=self.max)  # the same message for swapped corners
        return self

    @property
    def center(self) -> list[float]:
        return [(a + b) / 2 for a, b in zip(self.min, self.max, strict=True)]

    @property
    def size(self) -> list[float]:
        return [b - a for a, b in zip(self.min, self.max, strict=True)]

    def to_local(self, p: Sequence[float]) -> tuple[float, float, float]:
        """Return ``p`` in the zone's frame: origin at its centre, axes along its edges."""
        cx, cy, cz = self.center
        c, s = math.cos(math.radians(self.yaw_deg)), math.sin(math.radians(self.yaw_deg))
        dx, dy = p[0] - cx, p[1] - cy
        return (c * dx + s * dy, -s * dx + c * dy, p[2] - cz)

    def contains_point(self, p: Sequence[float], margin: float = 0.0) -> bool:
        """Return whether ``p`` lies inside the zone shrunk by ``margin``."""
        local = self.to_local(p)
        return all(abs(v) <= h / 2 - margin for v, h in zip(local, self.size, strict=True))

    def corners(self) -> list[tuple[float, float, float]]:
        """Return the eight world-space corners."""
        cx, cy, cz = self.center
        hx, hy, hz = (v / 2 for v in self.size)
        c, s = math.cos(math.radians(self.yaw_deg)), math.sin(math.radians(self.yaw_deg))
        return [
            (cx + c * x - s * y, cy + s * x + c * y, cz + z)
            for x in (-hx, hx)
            for y in (-hy, hy)
            for z in (-hz, hz)
        ]

    def aabb(self) -> Box:
        """Return the world axis-aligned box around the zone."""
        corners = self.corners()
        return Box(
            min=[min(c[i] for c in corners) for i in range(3)],
            max=[max(c[i] for c in corners) for i in range(3)],
        )


class Pose(_Model):
    """A position and an orientation (quaternion w, x, y, z)."""

    pos: Vec3
    quat: Quat = Field(default_factory=lambda: [1.0, 0.0, 0.0, 0.0])

    @field_validator("quat")
    @classmethod
    def _unit(cls, q: list[float]) -> list[float]:
        norm = math.sqrt(sum(v * v for v in q))
        if abs(norm - 1.0) > 1e-4:
            raise ValueError(f"quat must be a unit quaternion [w, x, y, z]; its norm is {norm:.6f}")
        return q


class Piece(_Model):
    """One convex collision piece: the same primitive goes to MuJoCo and to Godot.

    ``size`` follows MuJoCo: a box's half-extents ``[hx, hy, hz]``, a sphere's ``[r]``.
    """

    shape: Literal["box", "sphere"]
    size: list[float]
    pose: Pose

    @model_validator(mode="after")
    def _sized(self) -> Piece:
        want = {"box": 3, "sphere": 1}[self.shape]
        if len(self.size) != want or min(self.size) <= 0:
            raise ValueError(
                f"a {self.shape} piece needs {want} positive size value(s) "
                f"(half-extents for a box, radius for a sphere); got {self.size}"
            )
        return self


class Part(_Model):
    """A fixed part of the scene, made of convex pieces; ``mesh`` is its visual mesh."""

    name: str = Field(pattern=NAME_PATTERN)
    pieces: list[Piece] = Field(min_length=1)
    mesh: str
    friction: float = Field(default=0.8, gt=0, le=3)
    rgba: Annotated[list[float], Field(min_length=4, max_length=4)] = Field(
        default_factory=lambda: [0.6, 0.6, 0.65, 1.0]
    )


class MovedObject(_Model):
    """The free body the task is about; ``body`` is its MJCF body name."""

    body: str = Field(
        default="benchmark_moved_object__main",
        description="Its MJCF body name; the seed's reference implementation finds the moved "
        "object by the prefix benchmark_moved_object__.",
    )
    shape: Literal["box", "sphere"]
    size: list[float]
    mass: float = Field(gt=0)
    friction: float = Field(gt=0, le=3)
    restitution: float = Field(default=0.0, ge=0, le=1)
    start_pose: Pose
    mesh: str
    rgba: Annotated[list[float], Field(min_length=4, max_length=4)] = Field(
        default_factory=lambda: [0.85, 0.25, 0.15, 1.0]
    )

    @property
    def piece(self) -> Piece:
        return Piece(shape=self.shape, size=self.size, pose=self.start_pose)


class SuccessRule(_Model):
    """When a trial counts as solved: the moved object got to the goal and stayed there.

    ``dwell``: the moved object's centre stays inside the goal zone for ``seconds`` without
    a break, before the horizon, without having touched a forbid zone or left the workspace.
    Entering and leaving again is a failure (``FLY_THROUGH``).
    """

    rule: Literal["dwell"] = "dwell"
    seconds: float = Field(default=0.5, gt=0, le=10)


class PushSpace(_Model):
    """The one push a solver may give the moved object at t = 0.

    ``min_speed`` above 0 makes a launcher of a fixed range of speeds: the push may not be
    gentler, so a family can ask for a part that stops a fast object.
    """

    min_speed: float = Field(
        default=0.0, ge=0, le=20, description="Smallest speed allowed (m/s); 0 allows any."
    )
    max_speed: float = Field(gt=0, le=20, description="Largest speed allowed (m/s).")
    directions: Literal["horizontal", "any"] = Field(
        default="horizontal",
        description="horizontal: the velocity's z component must be 0; any: any direction.",
    )

    @model_validator(mode="after")
    def _speeds_ordered(self) -> PushSpace:
        if self.min_speed > self.max_speed:
            raise ValueError(
                f"a push space's min_speed ({self.min_speed}) must not exceed its max_speed "
                f"({self.max_speed}): lower min_speed or raise max_speed"
            )
        return self


class PartKind(_Model):
    """A kind of part a solver may place: a box of fixed size, and how many of them."""

    kind: str = Field(pattern=NAME_PATTERN)
    size: Vec3 = Field(description="Full extents along the part's own x, y, z (m).")
    friction: float = Field(default=0.8, gt=0, le=3)
    max_count: int = Field(default=1, ge=1, le=8)
    description: str = ""

    @field_validator("size")
    @classmethod
    def _positive(cls, size: list[float]) -> list[float]:
        if min(size) <= 0:
            raise ValueError(f"a part kind's size must be positive on every axis; got {size}")
        return size


class PartSpace(_Model):
    """Which parts may be placed, and how they may be oriented."""

    catalog: list[PartKind] = Field(min_length=1)
    orientation: Literal["yaw", "free"] = Field(
        default="yaw",
        description="yaw: rotation about the vertical axis only (roll = pitch = 0); free: any.",
    )


class ActionSpace(_Model):
    """Everything a solver may do: an optional push and parts placed in the build zone."""

    push: PushSpace | None = None
    parts: PartSpace | None = None

    def kind(self, name: str) -> PartKind | None:
        """Return the catalog entry called ``name``, or None."""
        for entry in self.parts.catalog if self.parts else []:
            if entry.kind == name:
                return entry
        return None


class PushAction(_Model):
    """The moved object's initial velocity at t = 0 (m/s, world frame)."""

    velocity: Vec3


class Placement(_Model):
    """One part of a kind from the catalog, placed at ``position`` (its centre).

    ``rotation_deg`` is ``[roll, pitch, yaw]`` in degrees: rotations about the world X,
    then Y, then Z axis.
    """

    kind: str
    position: Vec3
    rotation_deg: Vec3 = Field(default_factory=lambda: [0.0, 0.0, 0.0])


class Solution(_Model):
    """What a solver returns: parts to place (first) and a push (then), each optional."""

    push: PushAction | None = None
    parts: list[Placement] = Field(default_factory=list, max_length=32)


class ReferenceSolution(Solution):
    """The solution the scenario was verified with (kept out of problem.json)."""

    description: str = ""


class PlacedPart(_Model):
    """A placed part as geometry: the convex pieces of one placement."""

    name: str = Field(pattern=NAME_PATTERN)
    pieces: list[Piece] = Field(min_length=1)
    friction: float = Field(default=0.8, gt=0, le=3)


class TrialResult(_Model):
    """The outcome of one MuJoCo trial (no action, the reference, or any solution)."""

    action: Literal["null", "reference", "solution"]
    reached_goal: bool = Field(description="The success rule held (the centre stayed).")
    entered_goal: bool = Field(default=False, description="The centre was ever inside.")
    touched_forbid: bool
    outcome: Literal["success", "failure"]
    reason: FailureReason | None = None
    detail: str = ""
    sim_time_s: float
    steps: int
    max_speed: float
    energy_growth: float
    settled: bool
    warnings: int = 0
    entered_s: float | None = Field(default=None, description="When the centre first entered.")
    won_s: float | None = Field(default=None, description="When the dwell was complete.")
    closest_distance: float | None = Field(
        default=None, description="Closest approach of the centre to the goal zone (m)."
    )
    final_position: Vec3 | None = None


class Difficulty(_Model):
    """How hard one scenario is, measured: random tries, and the reference's margin."""

    random_tries: int = Field(ge=0)
    random_successes: int = Field(ge=0)
    window: float = Field(
        ge=0,
        description="Largest relative perturbation of the reference action (from a fixed "
        "ladder) under which every perturbed replay still succeeded.",
    )
    tier: Literal["easy", "medium", "hard"]


class Provenance(_Model):
    """The tools whose versions decide a scenario's bytes."""

    benchgen: str
    python: str
    mujoco: str
    build123d: str
    numpy: str


class VerificationCheck(_Model):
    """One named check of the promotion gate."""

    name: str
    passed: bool
    reason: FailureReason | None = None
    detail: str = ""


class Verification(_Model):
    """Everything the promotion gate found; ``promoted`` only when every check passed."""

    promoted: bool
    checks: list[VerificationCheck]
    trials: list[TrialResult] = Field(default_factory=list)

    @property
    def reasons(self) -> list[FailureReason]:
        return [c.reason for c in self.checks if not c.passed and c.reason is not None]


class ScenarioSpec(_Model):
    """One scenario: geometry, zones, the moved object, its reference solution and proof."""

    schema_version: Literal[2] = SCHEMA_VERSION
    id: str = Field(pattern=SCENARIO_ID_PATTERN)
    family: str = Field(pattern=FAMILY_PATTERN)
    seed: int = Field(ge=0, le=MAX_SEED)
    params: dict[str, Any]
    units: Units = Field(default_factory=Units)
    task: str = Field(description="The goal in words, given to LLM agents.")
    workspace: Box
    build_zone: Zone
    goal_zone: Zone
    forbid_zones: list[Zone] = Field(default_factory=list)
    moved_object: MovedObject
    static_parts: list[Part]
    action_space: ActionSpace
    success: SuccessRule = Field(default_factory=SuccessRule)
    reference_solution: ReferenceSolution
    horizon_s: float = Field(gt=0, le=60, description="Trial length in simulated seconds.")
    timestep_s: float = Field(default=0.002, gt=0, le=0.01)
    verification: Verification | None = None
    difficulty: Difficulty | None = None
    provenance: Provenance | None = None
    files: dict[str, str] = Field(
        default_factory=dict, description="sha256 of every file of the scenario folder."
    )

    def part(self, name: str) -> Part:
        """Return the static part called ``name``."""
        for part in self.static_parts:
            if part.name == name:
                return part
        names = ", ".join(p.name for p in self.static_parts)
        raise KeyError(f"{name!r} is not a static part of {self.id}; parts: {names}")
