"""Headless MuJoCo trials: no action, or the reference solution, with every failure typed.

The loop follows the seed's reference ``simulate()``
(docs/architecture.md#the-seeds-reference-implementation): NaN/Inf or |qpos| > 1e4 is
instability, leaving the workspace is out of bounds, any overlap with a forbid zone is a
hit, running out of time is a timeout. It checks every ``CHECK_EVERY`` steps (10 ms at the
default 2 ms step) rather than every step, which keeps the checks' cost well below the
cost of ``mj_step`` itself; zones are far larger than the distance travelled in 8 ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mujoco
import numpy as np

from benchgen.mjcf.builder import add_placed_parts, compile_mjspec, load_mjspec
from benchgen.spec.models import Box, FailureReason, ScenarioSpec, TrialResult

__all__ = [
    "CHECK_EVERY",
    "MAX_SPEED",
    "TrialZones",
    "run_trial",
    "simulate",
    "trial_model",
]

CHECK_EVERY = 5
MAX_SPEED = 20.0  # m/s; nothing in a table-top scene should move faster
QPOS_LIMIT = 1e4  # the seed's instability bound
SETTLED_SPEED = 0.02  # m/s at the end of a no-action trial
ENERGY_TOL_ABS = 0.01  # J
ENERGY_TOL_REL = 0.02  # of the initial kinetic + a 10 cm drop of every free body
_BAD_WARNINGS = (
    mujoco.mjtWarning.mjWARN_BADQACC,
    mujoco.mjtWarning.mjWARN_BADQVEL,
    mujoco.mjtWarning.mjWARN_BADQPOS,
)

Action = Literal["null", "reference"]


@dataclass(frozen=True)
class TrialZones:
    """Where a trial's moved object must go, must not go, and must stay inside."""

    workspace: Box
    goal: Box
    forbid: tuple[Box, ...]
    moved_body: str = "moved_object"

    @classmethod
    def from_spec(cls, spec: ScenarioSpec) -> TrialZones:
        return cls(
            workspace=spec.workspace,
            goal=spec.goal_zone,
            forbid=tuple(spec.forbid_zones),
            moved_body=spec.moved_object.body,
        )


def trial_model(
    spec: ScenarioSpec, folder: Path, action: Action, *, model: mujoco.MjModel | None = None
) -> tuple[mujoco.MjModel, mujoco.MjData]:
    """Load ``folder/model.xml``, apply ``action`` and return model and data at t = 0.

    The reference solution's placed parts become fixed geoms; its push becomes the
    moved object's initial linear velocity. ``model``, the compiled model.xml, saves a
    compile when the action adds no parts.
    """
    solution = spec.reference_solution
    if model is None or (action == "reference" and solution.parts):
        mj = load_mjspec(folder / "model.xml")
        if action == "reference":
            add_placed_parts(mj, solution.parts)
        model = compile_mjspec(mj, folder)
    data = mujoco.MjData(model)
    if action == "reference" and solution.push is not None:
        joint = model.body(spec.moved_object.body).jntadr[0]
        dof = model.jnt_dofadr[joint]
        data.qvel[dof : dof + 3] = solution.push.linear_velocity
    mujoco.mj_forward(model, data)
    return model, data


Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]


def _bounds(box: Box) -> Bounds:
    return (box.min[0], box.min[1], box.min[2]), (box.max[0], box.max[1], box.max[2])


def _inside(p: list[float], box: Bounds) -> bool:
    lo, hi = box
    return lo[0] <= p[0] <= hi[0] and lo[1] <= p[1] <= hi[1] and lo[2] <= p[2] <= hi[2]


def _overlap(lo: list[float], hi: list[float], box: Bounds) -> bool:
    blo, bhi = box
    return (
        lo[0] < bhi[0] and blo[0] < hi[0] and lo[1] < bhi[1] and blo[1] < hi[1]
        and lo[2] < bhi[2] and blo[2] < hi[2]
    )  # fmt: skip


class _Checker:
    """Per-step checks on one trial.

    The checks run every few steps of every trial, so they use plain Python floats on
    3-vectors: for arrays this small, one numpy call costs more than the whole comparison.
    """

    def __init__(
        self, model: mujoco.MjModel, data: mujoco.MjData, zones: TrialZones, action: Action
    ):
        self.model, self.data, self.action = model, data, action
        self.body = model.body(zones.moved_body).id
        start = model.body_geomadr[self.body]
        geoms = range(start, start + model.body_geomnum[self.body])
        collides = [g for g in geoms if model.geom_contype[g] or model.geom_conaffinity[g]]
        self.spheres = [g for g in collides if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_SPHERE]
        self.others = [g for g in collides if g not in self.spheres]
        joints = np.flatnonzero(model.jnt_type == mujoco.mjtJoint.mjJNT_FREE)
        self.lin = np.concatenate([model.jnt_dofadr[j] + np.arange(3) for j in joints])
        self.bad_warnings = np.array([int(w) for w in _BAD_WARNINGS])
        self.workspace, self.goal = _bounds(zones.workspace), _bounds(zones.goal)
        self.forbid = [_bounds(z) for z in zones.forbid]
        self.e0 = float(data.energy[0] + data.energy[1])
        free_mass = float(sum(model.body_mass[model.jnt_bodyid[j]] for j in joints))
        self.energy_tol = ENERGY_TOL_ABS + ENERGY_TOL_REL * (
            float(data.energy[1]) + free_mass * 0.981
        )
        self.reached = self.touched = False
        self.max_speed = self.energy_growth = 0.0
        self.reason: FailureReason | None = None
        self.detail = ""

    def _aabb(self) -> tuple[list[float], list[float]]:
        """Return the world AABB of the moved body's collision geoms (exact for box/sphere)."""
        model, data = self.model, self.data
        lows, highs = [], []
        for g in self.spheres:
            r = float(model.geom_size[g][0])
            x, y, z = data.geom_xpos[g].tolist()
            lows.append((x - r, y - r, z - r))
            highs.append((x + r, y + r, z + r))
        for g in self.others:
            if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX:
                half = np.abs(data.geom_xmat[g].reshape(3, 3)) @ model.geom_size[g]
            else:
                half = np.full(3, model.geom_rbound[g])
            lows.append(tuple((data.geom_xpos[g] - half).tolist()))
            highs.append(tuple((data.geom_xpos[g] + half).tolist()))
        if len(lows) == 1:
            return list(lows[0]), list(highs[0])
        return [min(c) for c in zip(*lows, strict=True)], [max(c) for c in zip(*highs, strict=True)]

    def _fail(self, reason: FailureReason, detail: str) -> bool:
        self.reason, self.detail = reason, detail
        return True

    def check(self) -> bool:
        """Update the trial's record from the current state; return True to stop."""
        data = self.data
        qpos_max = float(np.abs(data.qpos).max())
        qvel_max = float(np.abs(data.qvel).max())
        # Written as "not <=" so that NaN, which compares false, fails too.
        if not (qpos_max <= QPOS_LIMIT and qvel_max <= math.inf):
            return self._fail(
                FailureReason.PHYSICS_INSTABILITY, "NaN, Inf or |qpos| > 1e4 in the state"
            )
        if data.warning.number[self.bad_warnings].any():
            return self._fail(FailureReason.PHYSICS_INSTABILITY, "MuJoCo reset a diverged state")
        speed = self._speed()
        self.max_speed = max(self.max_speed, speed)
        if not speed <= MAX_SPEED:
            return self._fail(
                FailureReason.PHYSICS_INSTABILITY,
                f"a body moved at {speed:.1f} m/s (limit {MAX_SPEED})",
            )
        energy = data.energy
        self.energy_growth = max(self.energy_growth, float(energy[0] + energy[1]) - self.e0)
        centre = data.xpos[self.body].tolist()
        if not _inside(centre, self.workspace):
            where = [round(v, 3) for v in centre]
            return self._fail(
                FailureReason.OUT_OF_BOUNDS, f"the moved object left the workspace at {where}"
            )
        lo, hi = self._aabb()
        for i, zone in enumerate(self.forbid):
            if _overlap(lo, hi, zone):
                self.touched = True
                return self._fail(FailureReason.FORBID_ZONE_HIT, f"entered forbid zone {i}")
        # No action must not even graze the goal; the reference must bring the centre inside.
        if self.action == "null":
            inside = _overlap(lo, hi, self.goal)
        else:
            inside = _inside(centre, self.goal)
        self.reached = self.reached or inside
        return self.action == "reference" and self.reached

    def _speed(self) -> float:
        """Return the largest linear speed (norm, m/s) of any free body."""
        v = self.data.qvel[self.lin].tolist()
        return max(
            math.sqrt(v[i] ** 2 + v[i + 1] ** 2 + v[i + 2] ** 2) for i in range(0, len(v), 3)
        )

    def final_speed(self) -> float:
        return self._speed()


def run_trial(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    zones: TrialZones,
    *,
    action: Action,
    horizon_s: float,
) -> TrialResult:
    """Step ``data`` up to ``horizon_s`` and classify what happened.

    A reference trial stops at the first success; a no-action trial always runs the whole
    horizon, so that it also proves the scene settles.

    Returns:
        The trial's outcome, its failure reason (``TIMEOUT`` when nothing happened) and
        the figures behind it.
    """
    checker = _Checker(model, data, zones, action)
    steps, total = 0, round(horizon_s / model.opt.timestep)
    while steps < total:
        mujoco.mj_step(model, data, nstep=CHECK_EVERY)
        steps += CHECK_EVERY
        if checker.check():
            break
    if checker.reason is None and checker.energy_growth > checker.energy_tol:
        checker.reason = FailureReason.PHYSICS_INSTABILITY
        checker.detail = (
            f"energy grew by {checker.energy_growth:.4f} J (tolerance {checker.energy_tol:.4f} J)"
        )
    success = checker.reached and checker.reason is None
    reason = checker.reason or (None if success else FailureReason.TIMEOUT)
    default = "reached the goal zone" if success else "the goal was not reached in time"
    return TrialResult(
        action=action,
        reached_goal=checker.reached,
        touched_forbid=checker.touched,
        outcome="success" if success else "failure",
        reason=reason,
        detail=checker.detail or default,
        sim_time_s=round(steps * model.opt.timestep, 4),
        steps=steps,
        max_speed=round(checker.max_speed, 3),
        energy_growth=round(max(checker.energy_growth, 0.0), 4),
        settled=checker.final_speed() < SETTLED_SPEED,
        warnings=int(sum(w.number for w in data.warning)),
    )


def simulate(
    spec: ScenarioSpec, folder: Path, *, action: Action, model: mujoco.MjModel | None = None
) -> TrialResult:
    """Run one trial of the scenario in ``folder`` (its model.xml and meshes).

    Args:
        spec: the scenario spec (zones, moved object, reference solution, horizon).
        folder: the scenario folder holding model.xml.
        action: ``"null"`` for no action, ``"reference"`` to replay the reference solution.
        model: model.xml already compiled (optional; it is loaded from ``folder`` otherwise).

    Returns:
        The typed trial result.

    Raises:
        ModelError: MuJoCo rejects model.xml.
    """
    model, data = trial_model(spec, folder, action, model=model)
    return run_trial(
        model, data, TrialZones.from_spec(spec), action=action, horizon_s=spec.horizon_s
    )
