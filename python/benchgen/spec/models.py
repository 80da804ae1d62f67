"""Pydantic models of a scenario: the contract between every stage and both front doors.

Units are SI throughout (metres, kilograms, seconds); the world is Z-up as in MuJoCo.
Rotations are quaternions ``[w, x, y, z]`` (MuJoCo's order). Zones and the workspace
are axis-aligned boxes in world coordinates. The Godot exporter converts to Y-up.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from benchgen.spec.ids import FAMILY_PATTERN, MAX_SEED, NAME_PATTERN, SCENARIO_ID_PATTERN

__all__ = [
    "SCHEMA_VERSION",
    "Box",
    "FailureReason",
    "MovedObject",
    "Part",
    "Piece",
    "PlacedPart",
    "Pose",
    "Push",
    "ReferenceSolution",
    "ScenarioSpec",
    "TrialResult",
    "Units",
    "Verification",
    "VerificationCheck",
]

SCHEMA_VERSION: Literal[1] = 1

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

    body: str = "moved_object"
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


class Push(_Model):
    """An initial velocity given to the moved object at t = 0 (m/s, world frame)."""

    linear_velocity: Vec3


class PlacedPart(_Model):
    """A fixed part a solver places inside the build zone."""

    name: str = Field(pattern=NAME_PATTERN)
    pieces: list[Piece] = Field(min_length=1)
    friction: float = Field(default=0.8, gt=0, le=3)


class ReferenceSolution(_Model):
    """What a solver is allowed to do: place parts in the build zone, then push once."""

    kind: Literal["push", "place", "place_and_push"]
    push: Push | None = None
    parts: list[PlacedPart] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> ReferenceSolution:
        if "push" in self.kind and self.push is None:
            raise ValueError(f"reference solution of kind {self.kind!r} needs a 'push'")
        if "place" in self.kind and not self.parts:
            raise ValueError(f"reference solution of kind {self.kind!r} needs 'parts'")
        return self


class TrialResult(_Model):
    """The outcome of one MuJoCo trial (no action, or the reference solution)."""

    action: Literal["null", "reference"]
    reached_goal: bool
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

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(pattern=SCENARIO_ID_PATTERN)
    family: str = Field(pattern=FAMILY_PATTERN)
    seed: int = Field(ge=0, le=MAX_SEED)
    params: dict[str, Any]
    units: Units = Field(default_factory=Units)
    task: str = Field(description="The goal in words, given to LLM agents.")
    workspace: Box
    build_zone: Box
    goal_zone: Box
    forbid_zones: list[Box] = Field(default_factory=list)
    moved_object: MovedObject
    static_parts: list[Part]
    reference_solution: ReferenceSolution
    horizon_s: float = Field(gt=0, le=60, description="Trial length in simulated seconds.")
    timestep_s: float = Field(default=0.002, gt=0, le=0.01)
    verification: Verification | None = None
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
