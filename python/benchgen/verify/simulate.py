"""Headless MuJoCo trials: no action, or the reference solution, with every failure typed.

The loop follows the seed's reference ``simulate()``
(docs/architecture.md#the-seeds-reference-implementation): NaN/Inf or |qpos| > 1e4 is
instability, leaving the workspace is out of bounds, any overlap with a forbid zone is a
hit, running out of time is a timeout. Success follows the scenario's rule: the moved
object's centre stays inside the goal zone for the dwell time (a fly-through fails). It
checks every ``CHECK_EVERY`` steps (10 ms at the default 2 ms step) rather than every
step, which keeps the checks' cost well below the cost of ``mj_step`` itself; zones are far
larger than the distance travelled in 8 ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mujoco
import numpy as np

from benchgen.mjcf.builder import add_placed_parts, compile_mjspec, load_mjspec
from benchgen.spec.actions import placed_parts
from benchgen.spec.models import Box, FailureReason, ScenarioSpec, Solution, TrialResult, Zone

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
#: A trial with an action ends early once nothing has moved faster than REST_SPEED for
#: REST_S outside the goal: in a scene of fixed parts nothing can change after that.
REST_SPEED = 0.002  # m/s (and rad/s), every degree of freedom
REST_S = 0.3
ENERGY_TOL_ABS = 0.01  # J
ENERGY_TOL_REL = 0.02  # of the initial kinetic + a 10 cm drop of every free body
_BAD_WARNINGS = (
    mujoco.mjtWarning.mjWARN_BADQACC,
    mujoco.mjtWarning.mjWARN_BADQVEL,
    mujoco.mjtWarning.mjWARN_BADQPOS,
)

Action = Literal["null", "reference", "solution"]


@dataclass(frozen=True)
class TrialZones:
    """Where a trial's moved object must go and stay, must not go, and must stay inside."""

    workspace: Box
    goal: Zone
    forbid: tuple[Zone, ...]
    moved_body: str
    dwell_s: float

    @classmethod
    def from_spec(cls, spec: ScenarioSpec) -> TrialZones:
        return cls(
            workspace=spec.workspace,
            goal=spec.goal_zone,
            forbid=tuple(spec.forbid_zones),
            moved_body=spec.moved_object.body,
            dwell_s=spec.success.seconds,
        )


def trial_model(
    spec: ScenarioSpec,
    folder: Path,
    solution: Solution | None,
    *,
    model: mujoco.MjModel | None = None,
) -> tuple[mujoco.MjModel, mujoco.MjData]:
    """Load ``folder/model.xml``, apply ``solution`` and return model and data at t = 0.

    The solution's placed parts become fixed geoms; its push becomes the moved object's
    initial linear velocity. ``model``, the compiled model.xml, saves a compile when the
    solution places no parts. Check the solution against the action space first
    (:func:`benchgen.verify.solution.solution_problems`).
    """
    parts = placed_parts(solution, spec.action_space) if solution else []
    if model is None or parts:
        mj = load_mjspec(folder / "model.xml")
        add_placed_parts(mj, parts)
        model = compile_mjspec(mj, folder)
    data = mujoco.MjData(model)
    if solution is not None and solution.push is not None:
        joint = model.body(spec.moved_object.body).jntadr[0]
        dof = model.jnt_dofadr[joint]
        data.qvel[dof : dof + 3] = solution.push.velocity
    mujoco.mj_forward(model, data)
    return model, data


Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]


def _bounds(box: Box) -> Bounds:
    return (box.min[0], box.min[1], box.min[2]), (box.max[0], box.max[1], box.max[2])


def _inside(p: list[float], box: Bounds) -> bool:
    lo, hi = box
    return lo[0] <= p[0] <= hi[0] and lo[1] <= p[1] <= hi[1] and lo[2] <= p[2] <= hi[2]


class _ZoneFrame:
    """A zone's centre, yaw and half extents, for fast tests in plain floats."""

    def __init__(self, zone: Zone) -> None:
        self.cx, self.cy, self.cz = zone.center
        self.c = math.cos(math.radians(zone.yaw_deg))
        self.s = math.sin(math.radians(zone.yaw_deg))
        self.hx, self.hy, self.hz = (v / 2 for v in zone.size)

    def local(self, p: list[float]) -> tuple[float, float, float]:
        dx, dy = p[0] - self.cx, p[1] - self.cy
        return self.c * dx + self.s * dy, -self.s * dx + self.c * dy, p[2] - self.cz

    def contains(self, p: list[float]) -> bool:
        x, y, z = self.local(p)
        return abs(x) <= self.hx and abs(y) <= self.hy and abs(z) <= self.hz

    def distance(self, p: list[float]) -> float:
        x, y, z = self.local(p)
        dx, dy = max(abs(x) - self.hx, 0.0), max(abs(y) - self.hy, 0.0)
        dz = max(abs(z) - self.hz, 0.0)
        return math.sqrt(dx * dx + dy * dy + dz * dz)

    def overlaps(self, lo: list[float], hi: list[float]) -> bool:
        """Return whether a box given by its extents in this zone's frame overlaps it."""
        return (
            lo[0] < self.hx and -self.hx < hi[0] and lo[1] < self.hy and -self.hy < hi[1]
            and lo[2] < self.hz and -self.hz < hi[2]
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
        self.workspace = _bounds(zones.workspace)
        self.goal = _ZoneFrame(zones.goal)
        self.forbid = [_ZoneFrame(z) for z in zones.forbid]
        self.dwell_s = zones.dwell_s
        self.e0 = float(data.energy[0] + data.energy[1])
        free_mass = float(sum(model.body_mass[model.jnt_bodyid[j]] for j in joints))
        self.energy_tol = ENERGY_TOL_ABS + ENERGY_TOL_REL * (
            float(data.energy[1]) + free_mass * 0.981
        )
        self.entered = self.won = self.grazed = self.touched = False
        self.entered_s: float | None = None
        self.inside_since: float | None = None
        self.won_s: float | None = None
        self.closest = math.inf
        self.rest_since: float | None = None
        self.rested = False
        self.max_speed = self.energy_growth = 0.0
        self.reason: FailureReason | None = None
        self.detail = ""

    def _extent_in(self, frame: _ZoneFrame) -> tuple[list[float], list[float]]:
        """Return the moved body's collision geoms' bounding box in ``frame``."""
        model, data = self.model, self.data
        lows, highs = [], []
        for g in self.spheres:
            r = float(model.geom_size[g][0])
            x, y, z = frame.local(data.geom_xpos[g].tolist())
            lows.append((x - r, y - r, z - r))
            highs.append((x + r, y + r, z + r))
        for g in self.others:
            if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX:
                half = model.geom_size[g]
            else:
                half = np.full(3, model.geom_rbound[g])
            local = [
                frame.local(c)
                for c in _corners(data.geom_xmat[g], data.geom_xpos[g], half).tolist()
            ]
            xs, ys, zs = zip(*local, strict=True)
            lows.append((min(xs), min(ys), min(zs)))
            highs.append((max(xs), max(ys), max(zs)))
        if len(lows) == 1:
            return list(lows[0]), list(highs[0])
        return [min(c) for c in zip(*lows, strict=True)], [max(c) for c in zip(*highs, strict=True)]

    def _fail(self, reason: FailureReason, detail: str) -> bool:
        self.reason, self.detail = reason, detail
        return True

    def check(self, t: float) -> bool:
        """Update the trial's record from the state at time ``t``; return True to stop."""
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
        for i, zone in enumerate(self.forbid):
            if zone.overlaps(*self._extent_in(zone)):
                self.touched = True
                return self._fail(FailureReason.FORBID_ZONE_HIT, f"entered forbid zone {i}")
        self.closest = min(self.closest, self.goal.distance(centre))
        if self.action == "null":  # no action must not even graze the goal
            self.grazed = self.grazed or self.goal.overlaps(*self._extent_in(self.goal))
            return False
        return self._dwell(centre, t) or self._at_rest_outside(qvel_max, t)

    def _at_rest_outside(self, qvel_max: float, t: float) -> bool:
        if qvel_max >= REST_SPEED or self.inside_since is not None:
            self.rest_since = None
            return False
        self.rest_since = t if self.rest_since is None else self.rest_since
        self.rested = t - self.rest_since >= REST_S
        return self.rested

    def _dwell(self, centre: list[float], t: float) -> bool:
        """Follow the success rule: the centre inside the goal for ``dwell_s`` in a row."""
        if not self.goal.contains(centre):
            self.inside_since = None
            return False
        if self.inside_since is None:
            self.inside_since = t
            self.entered = True
            self.entered_s = t if self.entered_s is None else self.entered_s
        if not self.won and t - self.inside_since >= self.dwell_s - 1e-9:
            self.won, self.won_s = True, t
        return self.won

    def _speed(self) -> float:
        """Return the largest linear speed (norm, m/s) of any free body."""
        v = self.data.qvel[self.lin].tolist()
        return max(
            math.sqrt(v[i] ** 2 + v[i + 1] ** 2 + v[i + 2] ** 2) for i in range(0, len(v), 3)
        )

    def final_speed(self) -> float:
        return self._speed()


_SIGNS = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])


def _corners(xmat: np.ndarray, pos: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Return the eight world corners (8×3) of a box geom from MuJoCo's xmat, xpos, size."""
    return (_SIGNS * half) @ xmat.reshape(3, 3).T + pos


def _outcome(checker: _Checker) -> tuple[bool, FailureReason | None, str]:
    if checker.reason is not None:
        return False, checker.reason, checker.detail
    if checker.won:
        return (
            True,
            None,
            f"stayed in the goal zone from {checker.entered_s:.2f} s to {checker.won_s:.2f} s",
        )
    if checker.entered:
        return (
            False,
            FailureReason.FLY_THROUGH,
            f"entered the goal zone at {checker.entered_s:.2f} s but did not stay "
            f"{checker.dwell_s:.2f} s in a row",
        )
    if checker.rested:
        return False, FailureReason.TIMEOUT, "came to rest outside the goal zone"
    return False, FailureReason.TIMEOUT, "the goal was not reached in time"


def run_trial(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    zones: TrialZones,
    *,
    action: Action,
    horizon_s: float,
) -> TrialResult:
    """Step ``data`` up to ``horizon_s`` and classify what happened under the dwell rule.

    A trial with an action stops at its first success or failure; a no-action trial always
    runs the whole horizon, so that it also proves the scene settles.

    Returns:
        The trial's outcome, its failure reason (``FLY_THROUGH`` when the centre entered
        the goal but did not stay, ``TIMEOUT`` when it never entered) and the figures
        behind it.
    """
    checker = _Checker(model, data, zones, action)
    steps, total = 0, round(horizon_s / model.opt.timestep)
    while steps < total:
        mujoco.mj_step(model, data, nstep=CHECK_EVERY)
        steps += CHECK_EVERY
        if checker.check(steps * model.opt.timestep):
            break
    if checker.reason is None and checker.energy_growth > checker.energy_tol:
        checker.reason = FailureReason.PHYSICS_INSTABILITY
        checker.detail = (
            f"energy grew by {checker.energy_growth:.4f} J (tolerance {checker.energy_tol:.4f} J)"
        )
    success, reason, detail = _outcome(checker)
    centre = data.xpos[checker.body].tolist()
    return TrialResult(
        action=action,
        reached_goal=checker.won,
        entered_goal=checker.entered or checker.grazed,
        touched_forbid=checker.touched,
        outcome="success" if success else "failure",
        reason=reason,
        detail=detail,
        sim_time_s=round(steps * model.opt.timestep, 4),
        steps=steps,
        max_speed=round(checker.max_speed, 3),
        energy_growth=round(max(checker.energy_growth, 0.0), 4),
        settled=checker.final_speed() < SETTLED_SPEED,
        warnings=int(sum(w.number for w in data.warning)),
        entered_s=None if checker.entered_s is None else round(checker.entered_s, 4),
        won_s=None if checker.won_s is None else round(checker.won_s, 4),
        closest_distance=None if math.isinf(checker.closest) else round(checker.closest, 4),
        final_position=[round(v, 4) for v in centre] if all(map(math.isfinite, centre)) else None,
    )


def simulate(
    spec: ScenarioSpec,
    folder: Path,
    *,
    action: Action,
    solution: Solution | None = None,
    model: mujoco.MjModel | None = None,
) -> TrialResult:
    """Run one trial of the scenario in ``folder`` (its model.xml and meshes).

    Args:
        spec: the scenario spec (zones, moved object, success rule, horizon).
        folder: the scenario folder holding model.xml.
        action: ``"null"`` for no action, ``"reference"`` to replay the reference solution,
            ``"solution"`` to run ``solution``.
        solution: the solution of a ``"solution"`` trial (checked against the action space
            by the caller).
        model: model.xml already compiled (optional; it is loaded from ``folder`` otherwise).

    Returns:
        The typed trial result.

    Raises:
        ModelError: MuJoCo rejects model.xml.
    """
    chosen = {"null": None, "reference": spec.reference_solution, "solution": solution}[action]
    if action == "solution" and solution is None:
        raise ValueError("a 'solution' trial needs the solution to run")
    model, data = trial_model(spec, folder, chosen, model=model)
    return run_trial(
        model, data, TrialZones.from_spec(spec), action=action, horizon_s=spec.horizon_s
    )
