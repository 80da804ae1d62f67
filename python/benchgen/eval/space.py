"""The action space of a problem as a unit cube, for baselines that sample and search it.

A point of ``[0, 1]^d`` decodes to one :class:`~benchgen.spec.models.Solution`:

- the push (when allowed): speed ``u·max_speed`` (``min_speed`` up when it has one),
  azimuth ``-π + 2π·u``, and for ``directions: any`` the height of the direction on the
  unit sphere ``z = 2u - 1`` (Archimedes: uniform ``z`` and azimuth is uniform on the
  sphere);
- per catalog kind: a count ``⌊u·(max_count + 1)⌋``, then per slot a position inside the
  build zone (three coordinates along its edges) and a yaw ``-180 + 360·u`` (``free``
  orientation: three numbers giving a uniform random rotation).

So a uniform point is a uniform random action, the distribution
:func:`benchgen.verify.solution.random_solution` draws from (the gate's random baseline),
and a search can move through the space with plain vector arithmetic. With ``fit=True``
the three position numbers span only the centres at which the part, turned as chosen,
lies wholly inside the build zone: a careful searcher does not spend attempts on parts
the action space refuses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchgen.spec.models import PartKind, Placement, PushAction, Solution
from benchgen.spec.pieces import quat_from_euler, quat_to_matrix
from benchgen.spec.problem import Problem, ZoneBox

__all__ = ["ActionVector", "push_dims"]


@dataclass(frozen=True)
class _Slot:
    kind: str
    index: int
    count_dim: int
    first_dim: int


def _rotation(u1: float, u2: float, u3: float) -> list[float]:
    """Return roll, pitch, yaw (degrees) of the uniform random rotation at ``u`` (Shoemake)."""
    w = math.sqrt(1 - u1) * math.sin(2 * math.pi * u2)
    x = math.sqrt(1 - u1) * math.cos(2 * math.pi * u2)
    y = math.sqrt(u1) * math.sin(2 * math.pi * u3)
    z = math.sqrt(u1) * math.cos(2 * math.pi * u3)
    roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
    pitch = math.asin(max(-1.0, min(1.0, 2 * (w * y - z * x))))
    yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    return [math.degrees(a) for a in (roll, pitch, yaw)]


def _span(zone: ZoneBox, kind: PartKind, rotation: list[float]) -> list[float]:
    """Return how far (full width) a part's centre may range along each zone axis."""
    turn = quat_to_matrix(quat_from_euler(0.0, 0.0, zone.yaw_deg)).T @ quat_to_matrix(
        quat_from_euler(*rotation)
    )
    extent = np.abs(turn) @ (np.asarray(kind.size) / 2)
    return [max(0.0, float(z - 2 * e)) for z, e in zip(zone.size, extent, strict=True)]


def push_dims(problem: Problem) -> int:
    """Return how many numbers encode the push (0 when no push is allowed)."""
    push = problem.action_space.push
    if push is None:
        return 0
    return 2 if push.directions == "horizontal" else 3


class ActionVector:
    """Encode a problem's action space as ``[0, 1]^dims``."""

    def __init__(self, problem: Problem, *, fit: bool = False) -> None:
        self.problem, self.fit = problem, fit
        self.push = push_dims(problem)
        parts = problem.action_space.parts
        self.free = parts is not None and parts.orientation == "free"
        per_slot = 3 + (3 if self.free else 1)
        slots, dim = [], self.push
        for kind in parts.catalog if parts else []:
            count_dim = dim
            dim += 1
            for index in range(kind.max_count):
                slots.append(_Slot(kind.kind, index, count_dim, dim))
                dim += per_slot
        self.slots = tuple(slots)
        self.dims = dim

    def uniform(self, rng: np.random.Generator) -> np.ndarray:
        """Return a uniform random point (a uniform random action)."""
        return rng.random(self.dims)

    def decode(self, u: np.ndarray) -> Solution:
        """Return the solution at the point ``u`` (clipped into the cube)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0 - 1e-12)
        return Solution(push=self._push(u), parts=self._parts(u))

    def _push(self, u: np.ndarray) -> PushAction | None:
        space = self.problem.action_space.push
        if space is None:
            return None
        low = float(getattr(space, "min_speed", 0.0) or 0.0)
        speed = low + float(u[0]) * (space.max_speed - low)
        azimuth = -math.pi + 2 * math.pi * float(u[1])
        z = 0.0 if self.push == 2 else 2 * float(u[2]) - 1
        flat = math.sqrt(max(0.0, 1 - z * z))
        direction = (flat * math.cos(azimuth), flat * math.sin(azimuth), z)
        return PushAction(velocity=[round(speed * d, 6) + 0.0 for d in direction])

    def _parts(self, u: np.ndarray) -> list[Placement]:
        parts = self.problem.action_space.parts
        if parts is None:
            return []
        zone = self.problem.build_zone
        c, s = math.cos(math.radians(zone.yaw_deg)), math.sin(math.radians(zone.yaw_deg))
        placements = []
        for slot in self.slots:
            kind = next(k for k in parts.catalog if k.kind == slot.kind)
            if slot.index >= math.floor(float(u[slot.count_dim]) * (kind.max_count + 1)):
                continue
            at = slot.first_dim + 3
            if self.free:
                rotation = _rotation(float(u[at]), float(u[at + 1]), float(u[at + 2]))
            else:
                rotation = [0.0, 0.0, -180 + 360 * float(u[at])]
            span = _span(zone, kind, rotation) if self.fit else list(zone.size)
            local = [(float(u[slot.first_dim + i]) - 0.5) * span[i] for i in range(3)]
            position = [
                zone.center[0] + c * local[0] - s * local[1],
                zone.center[1] + s * local[0] + c * local[1],
                zone.center[2] + local[2],
            ]
            placements.append(
                Placement(
                    kind=kind.kind,
                    position=[round(v, 6) + 0.0 for v in position],
                    rotation_deg=[round(v, 4) + 0.0 for v in rotation],
                )
            )
        return placements

    def encode_push(self, velocity: list[float]) -> list[float]:
        """Return the push coordinates of ``velocity`` (the inverse of the push decode)."""
        space = self.problem.action_space.push
        if space is None:
            return []
        low = float(getattr(space, "min_speed", 0.0) or 0.0)
        speed = math.sqrt(sum(v * v for v in velocity))
        coords = [
            (speed - low) / max(space.max_speed - low, 1e-12),
            (math.atan2(velocity[1], velocity[0]) + math.pi) / (2 * math.pi),
        ]
        if self.push == 3:
            coords.append((velocity[2] / speed + 1) / 2 if speed > 0 else 0.5)
        return [min(max(v, 0.0), 1.0) for v in coords]
