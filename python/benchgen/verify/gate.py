"""The promotion gate: every check that decides whether a scenario enters the dataset."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING

import mujoco
import numpy as np

from benchgen.errors import ModelError
from benchgen.mjcf.builder import compile_mjspec, load_mjspec
from benchgen.spec.models import (
    Difficulty,
    FailureReason,
    ScenarioSpec,
    Solution,
    TrialResult,
    Verification,
    VerificationCheck,
)
from benchgen.verify.simulate import simulate
from benchgen.verify.solution import aimed_pushes, perturbed, random_solution, solution_problems
from benchgen.verify.validate import validate_layout

if TYPE_CHECKING:
    from benchgen.cad.geometry import Geometry
    from benchgen.spec.layout import Layout

__all__ = [
    "AIMED_SPEEDS",
    "RANDOM_TRIES",
    "ROBUST_SCALE",
    "ROBUST_TRIES",
    "dynamic_checks",
    "measure_difficulty",
    "run_gate",
    "scenario_rng",
]

#: The reference must survive its action jittered by this much (see verify.solution.perturbed)
ROBUST_SCALE = 0.05
ROBUST_TRIES = 8
ROBUST_SLACK = 1  # replays of the reference that may fail
#: Straight pushes at the goal tried as a shortcut, at evenly spaced speeds up to the limit.
AIMED_SPEEDS = 8
RANDOM_TRIES = 12
WINDOW_LADDER = (0.05, 0.1, 0.2, 0.3)
WINDOW_TRIES = 4


def _stable(trial: TrialResult) -> VerificationCheck:
    if trial.reason in (FailureReason.PHYSICS_INSTABILITY, FailureReason.OUT_OF_BOUNDS):
        return VerificationCheck(
            name="stable", passed=False, reason=trial.reason, detail=trial.detail
        )
    if not trial.settled:
        return VerificationCheck(
            name="stable",
            passed=False,
            reason=FailureReason.NOT_SETTLED,
            detail=f"with no action the scene was still moving after {trial.sim_time_s} s",
        )
    return VerificationCheck(name="stable", passed=True)


def _not_trivial(trial: TrialResult) -> VerificationCheck:
    if trial.entered_goal or trial.reached_goal:
        return VerificationCheck(
            name="not_trivial",
            passed=False,
            reason=FailureReason.TRIVIAL,
            detail="with no action the moved object reaches the goal zone by itself",
        )
    return VerificationCheck(name="not_trivial", passed=True)


def _solvable(trial: TrialResult) -> VerificationCheck:
    if trial.outcome == "success":
        return VerificationCheck(name="solvable", passed=True)
    reason = trial.reason if trial.reason != FailureReason.TIMEOUT else FailureReason.UNSOLVED
    return VerificationCheck(
        name="solvable",
        passed=False,
        reason=reason,
        detail=f"the reference solution failed: {trial.detail}",
    )


def scenario_rng(spec: ScenarioSpec, purpose: str) -> np.random.Generator:
    """Return a generator fixed by the scenario and the purpose: re-verification repeats it."""
    key = hashlib.sha256(f"{spec.id}/{purpose}".encode()).digest()
    return np.random.default_rng(int.from_bytes(key[:8], "little"))


def _run(spec: ScenarioSpec, folder: Path, solution: Solution, model: mujoco.MjModel) -> bool:
    """Return whether ``solution`` (valid or not) succeeds; an invalid one fails."""
    if solution_problems(spec, solution):
        return False
    return (
        simulate(spec, folder, action="solution", solution=solution, model=model).outcome
        == "success"
    )


def _robust(spec: ScenarioSpec, folder: Path, model: mujoco.MjModel) -> VerificationCheck:
    rng = scenario_rng(spec, "robust")
    tries = [
        perturbed(spec, spec.reference_solution, ROBUST_SCALE, rng) for _ in range(ROBUST_TRIES)
    ]
    wins = sum(_run(spec, folder, t, model) for t in tries)
    if wins < ROBUST_TRIES - ROBUST_SLACK:
        return VerificationCheck(
            name="robust",
            passed=False,
            reason=FailureReason.FRAGILE,
            detail=f"only {wins} of {ROBUST_TRIES} replays of the reference with its action "
            f"jittered by ±{ROBUST_SCALE:.0%} succeeded (at least "
            f"{ROBUST_TRIES - ROBUST_SLACK} must)",
        )
    return VerificationCheck(name="robust", passed=True, detail=f"{wins}/{ROBUST_TRIES}")


def _speed(solution: Solution) -> float:
    return math.hypot(*solution.push.velocity) if solution.push else 0.0


def _mechanism(spec: ScenarioSpec, folder: Path, model: mujoco.MjModel) -> VerificationCheck:
    """The intended mechanism is needed: no shortcut of the kinds a lazy solver tries works."""
    shortcuts = [
        (f"a straight push at the goal of {_speed(s):.3f} m/s", s)
        for s in aimed_pushes(spec, speeds=AIMED_SPEEDS)
    ]
    reference = spec.reference_solution
    if reference.parts and reference.push is not None:
        shortcuts.append(("the reference push without its parts", Solution(push=reference.push)))
    for label, shortcut in shortcuts:
        if _run(spec, folder, shortcut, model):
            return VerificationCheck(
                name="mechanism_needed",
                passed=False,
                reason=FailureReason.SHORTCUT,
                detail=f"{label} already solves it: the intended mechanism is optional",
            )
    return VerificationCheck(name="mechanism_needed", passed=True)


def dynamic_checks(
    spec: ScenarioSpec, folder: Path, *, model: mujoco.MjModel | None = None
) -> tuple[list[VerificationCheck], list[TrialResult]]:
    """Load the model (unless ``model`` is given) and run the gate's trials.

    The no-action trial must be stable and must not reach the goal; the reference must
    succeed under the success rule, and still succeed with its action jittered; no
    shortcut (a straight push at the goal, the push without the parts) may succeed.
    """
    try:
        if model is None:
            model = compile_mjspec(load_mjspec(folder / "model.xml"), folder)
        null = simulate(spec, folder, action="null", model=model)
        reference = simulate(spec, folder, action="reference", model=model)
    except ModelError as exc:
        failed = VerificationCheck(
            name="model_loads", passed=False, reason=FailureReason.MODEL_REJECTED, detail=str(exc)
        )
        return [failed], []
    checks = [
        VerificationCheck(name="model_loads", passed=True),
        _stable(null),
        _not_trivial(null),
        _solvable(reference),
    ]
    if all(c.passed for c in checks):
        checks += [_robust(spec, folder, model), _mechanism(spec, folder, model)]
    return checks, [null, reference]


def measure_difficulty(
    spec: ScenarioSpec, folder: Path, *, model: mujoco.MjModel | None = None
) -> Difficulty:
    """Measure how hard a promoted scenario is: random tries and the reference's margin.

    ``random_successes`` of ``RANDOM_TRIES`` uniform random actions succeed; ``window`` is
    the largest jitter of the ladder ``WINDOW_LADDER`` under which every one of
    ``WINDOW_TRIES`` jittered replays of the reference still succeeded.
    """
    if model is None:
        model = compile_mjspec(load_mjspec(folder / "model.xml"), folder)
    rng = scenario_rng(spec, "random")
    wins = sum(_run(spec, folder, random_solution(spec, rng), model) for _ in range(RANDOM_TRIES))
    window = 0.0
    rng = scenario_rng(spec, "window")
    for scale in WINDOW_LADDER:
        replays = [
            perturbed(spec, spec.reference_solution, scale, rng) for _ in range(WINDOW_TRIES)
        ]
        if not all(_run(spec, folder, r, model) for r in replays):
            break
        window = scale
    if wins == 0 and window <= WINDOW_LADDER[0]:
        tier = "hard"
    elif wins * 8 >= RANDOM_TRIES or window >= WINDOW_LADDER[-1]:
        tier = "easy"
    else:
        tier = "medium"
    return Difficulty(random_tries=RANDOM_TRIES, random_successes=wins, window=window, tier=tier)


def run_gate(
    spec: ScenarioSpec,
    layout: Layout,
    geometry: Geometry,
    folder: Path,
    *,
    model: mujoco.MjModel | None = None,
) -> Verification:
    """Run the static and dynamic checks on a scenario written to ``folder``.

    Returns:
        The verification record; ``promoted`` is true only when every check passed.
    """
    checks = validate_layout(layout, geometry)
    if all(c.passed for c in checks):
        more, trials = dynamic_checks(spec, folder, model=model)
    else:
        skipped = FailureReason.VALIDATION_FAILED
        more = [
            VerificationCheck(
                name="simulation",
                passed=False,
                reason=skipped,
                detail="not simulated: the static checks failed",
            )
        ]
        trials = []
    checks += more
    return Verification(promoted=all(c.passed for c in checks), checks=checks, trials=trials)
