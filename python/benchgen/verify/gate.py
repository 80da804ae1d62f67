"""The promotion gate: every check that decides whether a scenario enters the dataset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import mujoco

from benchgen.errors import ModelError
from benchgen.mjcf.builder import compile_mjspec, load_mjspec
from benchgen.spec.models import (
    FailureReason,
    ScenarioSpec,
    TrialResult,
    Verification,
    VerificationCheck,
)
from benchgen.verify.simulate import simulate
from benchgen.verify.validate import validate_layout

if TYPE_CHECKING:
    from benchgen.cad.geometry import Geometry
    from benchgen.spec.layout import Layout

__all__ = ["dynamic_checks", "run_gate"]


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
    if trial.reached_goal:
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


def dynamic_checks(
    spec: ScenarioSpec, folder: Path, *, model: mujoco.MjModel | None = None
) -> tuple[list[VerificationCheck], list[TrialResult]]:
    """Load the model (unless ``model`` is given) and run both trials."""
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
    return checks, [null, reference]


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
