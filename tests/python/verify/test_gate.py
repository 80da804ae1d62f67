"""The gate's benchmark checks: shortcuts, robustness, and the difficulty it records."""

from __future__ import annotations

from pathlib import Path

import pytest

import benchgen.verify.gate as gate
from benchgen.families import get_family
from benchgen.pipeline import build_scenario
from benchgen.spec import load_spec
from benchgen.spec.models import FailureReason, Solution
from benchgen.verify.solution import aimed_pushes, random_solution, solution_problems

FAMILY = "push_to_goal"


def _build(tmp_path: Path, seed: int = 2, **overrides: object):
    family = get_family(FAMILY)
    params = family.sample(seed, overrides or None)
    return build_scenario(
        family, seed, out_root=tmp_path, overrides=params.model_dump(), godot=False
    )


def test_a_goal_a_straight_push_reaches_is_a_shortcut(ramp_dataset: Path) -> None:
    """Widen the goal until an aimed push stops in it: the mechanism is then optional."""
    folder = next(ramp_dataset.glob(f"{FAMILY}/*/"))
    spec = load_spec(folder)
    checks, _ = gate.dynamic_checks(spec, folder)
    assert all(c.passed for c in checks)
    lo, hi = spec.goal_zone.min, spec.goal_zone.max
    spec.goal_zone = spec.goal_zone.model_copy(
        update={"min": [lo[0] - 0.3, lo[1] - 0.3, lo[2]], "max": [hi[0] + 0.3, hi[1] + 0.3, hi[2]]}
    )
    checks, _ = gate.dynamic_checks(spec, folder)
    failed = {c.name: c for c in checks if not c.passed}
    assert failed["mechanism_needed"].reason == FailureReason.SHORTCUT
    assert "straight push at the goal" in failed["mechanism_needed"].detail


def test_a_reference_that_breaks_under_jitter_is_fragile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gate, "ROBUST_SCALE", 0.6)  # ±60 %: no cube stops in the goal then
    outcome = _build(tmp_path)
    assert FailureReason.FRAGILE in outcome.reasons, outcome.detail


def test_promoted_scenarios_record_their_difficulty(ramp_dataset: Path) -> None:
    for folder in ramp_dataset.glob("*/*/"):
        spec = load_spec(folder)
        assert spec.difficulty is not None
        assert spec.difficulty.random_tries == gate.RANDOM_TRIES
        assert 0 <= spec.difficulty.random_successes <= spec.difficulty.random_tries
        assert spec.difficulty.window >= gate.WINDOW_LADDER[0]  # it passed the robust check


def test_aimed_pushes_point_at_the_goal_at_growing_speeds(ramp_dataset: Path) -> None:
    spec = load_spec(next(ramp_dataset.glob("*/*/")))
    pushes = aimed_pushes(spec, speeds=4)
    start, goal = spec.moved_object.start_pose.pos, spec.goal_zone.center
    speeds = []
    for solution in pushes:
        vx, vy, vz = solution.push.velocity
        cross = vx * (goal[1] - start[1]) - vy * (goal[0] - start[0])
        assert abs(cross) < 1e-9 and vz == 0.0
        speeds.append((vx * vx + vy * vy) ** 0.5)
    assert speeds == sorted(speeds) and speeds[-1] == pytest.approx(
        spec.action_space.push.max_speed
    )


def test_random_solutions_stay_in_the_action_space_speed(ramp_dataset: Path) -> None:
    spec = load_spec(next(ramp_dataset.glob("*/*/")))
    rng = gate.scenario_rng(spec, "test")
    for _ in range(50):
        solution = random_solution(spec, rng)
        assert not any("speed" in p for p in solution_problems(spec, solution))


def test_a_part_into_the_table_is_an_invalid_placement(ramp_dataset: Path) -> None:
    spec = load_spec(next(ramp_dataset.glob("*/*/")))
    from benchgen.spec.models import PartKind, PartSpace, Placement

    spec.action_space.parts = PartSpace(catalog=[PartKind(kind="block", size=[0.05, 0.05, 0.05])])
    spec.build_zone = spec.build_zone.model_copy()  # the table top lies inside it
    top = spec.static_parts[1].pieces[0].pose.pos
    problems = solution_problems(spec, Solution(parts=[Placement(kind="block", position=top)]))
    assert problems and "reaches into table" in problems[0]
