"""Find the middle of the reference push's success window, by trials around a guess.

A family computes its reference push from a simple model (a sliding point mass, a
rolling ball); MuJoCo's contacts differ from that model by a few percent. Rather than
promote a push that just works, :func:`refine_push` runs a grid of pushes around the
guess (speeds and directions) and keeps the one with the most successful neighbours: the
middle of the window, so the reference survives the ±5 % jitter the gate asks of it.
Deterministic: the same scenario always gives the same grid and the same choice.
"""

from __future__ import annotations

import math
from pathlib import Path

import mujoco

from benchgen.families.base import PushSearch
from benchgen.spec.models import PushAction, ReferenceSolution, ScenarioSpec, Solution
from benchgen.verify.simulate import simulate
from benchgen.verify.solution import solution_problems

__all__ = ["refine_push"]


def _turned(velocity: list[float], factor: float, degrees: float) -> list[float]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    vx, vy, vz = velocity
    turned = [factor * (c * vx - s * vy), factor * (s * vx + c * vy), factor * vz]
    return [round(v, 5) + 0.0 for v in turned]


def refine_push(
    spec: ScenarioSpec, folder: Path, search: PushSearch, *, model: mujoco.MjModel | None = None
) -> ReferenceSolution | None:
    """Return the reference with its push moved to the middle of the success window.

    Returns:
        The refined reference, or None when no push of the grid succeeds.
    """
    guess = spec.reference_solution
    if guess.push is None:
        return guess
    n = search.steps
    axis = [2 * i / (n - 1) - 1 for i in range(n)] if n > 1 else [0.0]
    wins: dict[tuple[int, int], bool] = {}
    for i, a in enumerate(axis):
        for j, b in enumerate(axis):
            velocity = _turned(
                guess.push.velocity, 1 + a * search.speed_span, b * search.angle_span_deg
            )
            candidate = Solution(push=PushAction(velocity=velocity), parts=guess.parts)
            ok = not solution_problems(spec, candidate)
            if ok:
                trial = simulate(spec, folder, action="solution", solution=candidate, model=model)
                ok = trial.outcome == "success"
            wins[(i, j)] = ok
    best: tuple[int, float, int, int] | None = None
    for (i, j), ok in wins.items():
        if not ok:
            continue
        around = sum(wins.get((i + di, j + dj), False) for di in (-1, 0, 1) for dj in (-1, 0, 1))
        key = (around, -math.hypot(axis[i], axis[j]), i, j)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    _, _, i, j = best
    velocity = _turned(
        guess.push.velocity, 1 + axis[i] * search.speed_span, axis[j] * search.angle_span_deg
    )
    return guess.model_copy(update={"push": PushAction(velocity=velocity)})
