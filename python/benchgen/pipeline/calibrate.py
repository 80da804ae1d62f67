"""Measure how well a family discriminates: baselines against the reference, per family.

PHYRE's lesson: a benchmark's templates must be verified solvable, and simple baselines
must score far below the oracle. For one family, over ``count`` promoted scenarios:

- random: uniform random actions from each scenario's action space, ``random_tries``
  per scenario, success per try;
- fixed: one action applied to every scenario of the family: the median of the
  references' actions, and every push of a grid over directions and speeds; the best of
  them is the number to keep low;
- robust: the reference with its action jittered by ±5 % (see
  :func:`benchgen.verify.solution.perturbed`), success per replay.

Targets (docs/architecture.md, "Benchmark quality"): best fixed action ≤ 10 %, random
≤ 5 % per try, reference ≥ 95 % under ±5 % perturbations.
"""

from __future__ import annotations

import math
import statistics
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from benchgen.families import get_family
from benchgen.pipeline.build import build_scenario
from benchgen.spec.folder import scenario_folder
from benchgen.spec.io import load_spec
from benchgen.spec.models import Placement, PushAction, PushSpace, ScenarioSpec, Solution
from benchgen.spec.problem import problem_of
from benchgen.verify.gate import ROBUST_SCALE, scenario_rng
from benchgen.verify.simulate import simulate
from benchgen.verify.solution import (
    perturbed,
    push_speeds,
    random_solution,
    solution_problems,
)

__all__ = ["TARGETS", "FamilyCalibration", "calibrate_family", "fixed_grid"]

#: The benchmark-quality targets each family must meet.
TARGETS = {"best_fixed": 0.10, "random": 0.05, "robust": 0.95}
_GRID_ANGLES = 24
_GRID_SPEEDS = 8


class FamilyCalibration(BaseModel):
    """The baselines of one family against its reference."""

    family: str
    scenarios: int
    attempts: int
    random_tries: int
    random_success: float = Field(description="Share of random tries that succeeded.")
    median_reference_success: float = Field(
        description="Share of scenarios the median reference action solves."
    )
    best_fixed_success: float = Field(description="Best share any one grid action solves.")
    best_fixed_action: list[float] = Field(description="That action's push velocity.")
    robust_tries: int
    robust_success: float = Field(description="Share of ±5 % jittered references that succeed.")
    reference_success: float
    leak_share: float = Field(
        description="Share of problem.json's numbers that equal a number of the reference "
        "(its push, speed and part positions, to 6 decimals)."
    )

    def meets_targets(self) -> bool:
        """Return whether every target of :data:`TARGETS` holds."""
        return (
            max(self.best_fixed_success, self.median_reference_success) <= TARGETS["best_fixed"]
            and self.random_success <= TARGETS["random"]
            and self.robust_success >= TARGETS["robust"]
            and self.leak_share == 0.0
        )


def fixed_grid(space: PushSpace) -> list[Solution]:
    """Return horizontal pushes over ``_GRID_ANGLES`` directions × ``_GRID_SPEEDS`` speeds.

    The speeds spread over the push space (:func:`benchgen.verify.solution.push_speeds`).
    """
    grid = []
    for a in range(_GRID_ANGLES):
        angle = 2 * math.pi * a / _GRID_ANGLES
        for speed in push_speeds(space, _GRID_SPEEDS):
            velocity = [speed * math.cos(angle), speed * math.sin(angle), 0.0]
            grid.append(Solution(push=PushAction(velocity=velocity)))
    return grid


def _succeeds(spec: ScenarioSpec, folder: Path, solution: Solution) -> bool:
    if solution_problems(spec, solution):
        return False
    trial = simulate(spec, folder, action="solution", solution=solution)
    return trial.outcome == "success"


@dataclass(frozen=True)
class _Measured:
    random: int
    robust: int
    reference: bool
    fixed: list[bool]
    leaks: int
    numbers: int


#: problem.json keys whose numbers are not lengths or speeds: a mass of 0.3055 kg that
#: happens to equal a placement's height of 0.3055 m reveals nothing, so they are not compared.
_NOT_LENGTHS = frozenset(
    {
        "mass", "friction", "restitution", "seconds", "horizon_s", "timestep_s", "gravity",
        "problem_version", "max_count", "yaw_deg", "rotation_deg", "start_rotation_deg",
    }
)  # fmt: skip
#: Keys of extents, not places: a ball's 0.033 m radius equal to a part's 0.033 m centre height
#: (a part standing on the floor) tells no position, so sizes are counted but never matched.
_EXTENTS = frozenset({"size"})


def _numbers(value: object, key: str = "") -> list[tuple[str, float]]:
    """Return every length and speed in a JSON value with its key, rounded to 6 decimals.

    Numbers under a key of :data:`_NOT_LENGTHS` are left out (their units differ from the
    reference's positions and velocities); a number in a list carries the list's key.
    """
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [(key, round(float(value), 6))]
    if isinstance(value, dict):
        return [n for k, v in value.items() if k not in _NOT_LENGTHS for n in _numbers(v, k)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v, key)]
    return []


def _leaks(spec: ScenarioSpec) -> tuple[int, int]:
    """Count problem.json's numbers that reveal the reference (and all its numbers).

    A number reveals the reference when it equals one of the reference push's components,
    its speed, or a coordinate of a reference placement, and is not an extent.
    """
    reference = spec.reference_solution
    secret = set()
    if reference.push is not None:
        secret |= {round(v, 6) for v in reference.push.velocity if abs(v) > 1e-6}
        secret.add(round(math.sqrt(sum(v * v for v in reference.push.velocity)), 6))
    for placement in reference.parts:
        secret |= {round(v, 6) for v in placement.position if abs(v) > 1e-6}
    numbers = _numbers(problem_of(spec).model_dump(mode="json"))
    leaks = sum(n in secret for key, n in numbers if key not in _EXTENTS)
    return leaks, len(numbers)


def _measure(args: tuple[str, list[Solution], int, int]) -> _Measured:
    """Run every baseline on one scenario folder (a worker's job)."""
    folder_text, fixed, random_tries, robust_tries = args
    folder = Path(folder_text)
    spec = load_spec(folder)
    rng = scenario_rng(spec, "calibrate-random")
    random_wins = sum(
        _succeeds(spec, folder, random_solution(spec, rng)) for _ in range(random_tries)
    )
    rng = scenario_rng(spec, "calibrate-robust")
    robust_wins = sum(
        _succeeds(spec, folder, perturbed(spec, spec.reference_solution, ROBUST_SCALE, rng))
        for _ in range(robust_tries)
    )
    leaks, numbers = _leaks(spec)
    return _Measured(
        random=random_wins,
        robust=robust_wins,
        reference=_succeeds(spec, folder, spec.reference_solution),
        fixed=[_succeeds(spec, folder, s) for s in fixed],
        leaks=leaks,
        numbers=numbers,
    )


def _median_reference(specs: list[ScenarioSpec]) -> Solution:
    """Return the componentwise median of the references' pushes and part placements."""
    pushes = [s.reference_solution.push.velocity for s in specs if s.reference_solution.push]
    push = (
        PushAction(velocity=[statistics.median(v[i] for v in pushes) for i in range(3)])
        if pushes
        else None
    )
    parts = []
    first = specs[0].reference_solution.parts
    for index, placement in enumerate(first):
        same = [
            s.reference_solution.parts[index]
            for s in specs
            if len(s.reference_solution.parts) > index
        ]
        position = [statistics.median(p.position[i] for p in same) for i in range(3)]
        rotation = [statistics.median(p.rotation_deg[i] for p in same) for i in range(3)]
        parts.append(Placement(kind=placement.kind, position=position, rotation_deg=rotation))
    return Solution(push=push, parts=parts)


def calibrate_family(
    family_name: str,
    *,
    count: int,
    seed: int = 0,
    workers: int = 1,
    random_tries: int = 20,
    robust_tries: int = 20,
    keep: Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> FamilyCalibration:
    """Generate ``count`` scenarios of a family and measure its baselines.

    Args:
        family_name: the family.
        count: promoted scenarios to measure over (at least 50 for the targets to mean much).
        seed: the first seed tried.
        workers: worker processes for the baselines.
        random_tries: random actions per scenario.
        robust_tries: jittered references per scenario.
        keep: build the scenarios (with their Godot scenes) into this dataset folder and
            keep them, e.g. to cross-check them in Godot; default: a temporary folder.
        on_progress: called with ``(phase, done, total)``.

    Returns:
        The family's baselines.
    """
    family = get_family(family_name)
    progress = on_progress or (lambda _phase, _done, _total: None)
    with tempfile.TemporaryDirectory(prefix="benchgen-calibrate-") as scratch:
        out = keep or Path(scratch)
        folders: list[Path] = []
        attempts, next_seed = 0, seed
        while len(folders) < count and attempts < 4 * count:
            outcome = build_scenario(family, next_seed, out_root=out, godot=keep is not None)
            attempts, next_seed = attempts + 1, next_seed + 1
            if outcome.status == "promoted":
                folders.append(scenario_folder(out, family.name, outcome.scenario_id))
            progress("generate", len(folders), count)
        if not folders:
            raise ValueError(f"{family_name} promoted no scenario in {attempts} attempts")
        specs = [load_spec(f) for f in folders]
        space = specs[0].action_space
        grid = fixed_grid(space.push) if space.push else []
        fixed = [_median_reference(specs), *grid]
        jobs = [(str(f), fixed, random_tries, robust_tries) for f in folders]
        results: list[_Measured] = []
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            for result in pool.map(_measure, jobs):
                results.append(result)
                progress("measure", len(results), len(jobs))
    n = len(results)
    wins = np.array([r.fixed for r in results], dtype=bool)
    share = wins.mean(axis=0) if n else np.zeros(len(fixed))
    best = int(np.argmax(share[1:])) + 1 if len(fixed) > 1 else 0
    best_push = fixed[best].push
    return FamilyCalibration(
        family=family_name,
        scenarios=n,
        attempts=attempts,
        random_tries=random_tries,
        random_success=sum(r.random for r in results) / (n * random_tries),
        median_reference_success=float(share[0]),
        best_fixed_success=float(share[best]) if len(fixed) > 1 else 0.0,
        best_fixed_action=list(best_push.velocity) if best_push else [],
        robust_tries=robust_tries,
        robust_success=sum(r.robust for r in results) / (n * robust_tries),
        reference_success=sum(r.reference for r in results) / n,
        leak_share=sum(r.leaks for r in results) / max(1, sum(r.numbers for r in results)),
    )
