"""benchgen calibrate: the baselines a family is measured against."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchgen.families import get_family
from benchgen.pipeline.build import make_spec
from benchgen.pipeline.calibrate import (
    FamilyCalibration,
    _leaks,
    calibrate_family,
    fixed_grid,
)
from benchgen.spec.models import (
    Placement,
    PushAction,
    PushSpace,
    ReferenceSolution,
    ScenarioSpec,
)

pytestmark = pytest.mark.slow  # builds and simulates scenarios


def test_a_small_calibration_has_its_figures_in_range(tmp_path: Path) -> None:
    result = calibrate_family(
        "push_to_goal", count=2, seed=3, random_tries=3, robust_tries=3, keep=tmp_path
    )
    assert result.scenarios == 2 and result.attempts >= 2
    assert result.reference_success == 1.0  # promoted scenarios replay their reference
    assert 0 <= result.random_success <= 1 and 0 <= result.best_fixed_success <= 1
    assert result.leak_share == 0.0
    assert len(list(tmp_path.glob("push_to_goal/*/godot/scene.tscn"))) == 2


def test_targets_are_checked_both_ways() -> None:
    good = FamilyCalibration(
        family="f", scenarios=50, attempts=60, random_tries=20, random_success=0.01,
        median_reference_success=0.0, best_fixed_success=0.08, best_fixed_action=[1, 0, 0],
        robust_tries=20, robust_success=0.97, reference_success=1.0, leak_share=0.0,
    )  # fmt: skip
    assert good.meets_targets()
    for change in (
        {"random_success": 0.06},
        {"best_fixed_success": 0.11},
        {"median_reference_success": 0.2},
        {"robust_success": 0.9},
        {"leak_share": 0.01},
    ):
        assert not good.model_copy(update=change).meets_targets(), change


def test_the_fixed_grid_covers_every_direction_and_speed() -> None:
    grid = fixed_grid(PushSpace(max_speed=2.0))
    speeds = {round((s.push.velocity[0] ** 2 + s.push.velocity[1] ** 2) ** 0.5, 6) for s in grid}
    assert len(grid) == 24 * 8 and max(speeds) == 2.0 and min(speeds) == 0.25
    directions = {
        round(math.degrees(math.atan2(s.push.velocity[1], s.push.velocity[0]))) for s in grid
    }
    assert len(directions) == 24


def test_the_fixed_grid_of_a_launcher_starts_at_its_floor() -> None:
    grid = fixed_grid(PushSpace(max_speed=2.0, min_speed=1.0))
    speeds = {round((s.push.velocity[0] ** 2 + s.push.velocity[1] ** 2) ** 0.5, 6) for s in grid}
    assert min(speeds) == 1.0 and max(speeds) == 2.0 and len(speeds) == 8


def _spec_with_reference(**reference: object) -> ScenarioSpec:
    family = get_family("push_to_goal")
    spec = make_spec(family, 0, family.sample(0), family.build(family.sample(0)))
    return spec.model_copy(update={"reference_solution": ReferenceSolution(**reference)})


def test_a_reference_position_shown_in_the_problem_is_a_leak() -> None:
    spec = _spec_with_reference(push=PushAction(velocity=[0.4142136, 0.0, 0.0]))
    assert _leaks(spec)[0] == 0
    goal = spec.goal_zone.center
    spec = _spec_with_reference(
        push=PushAction(velocity=[0.4142136, 0.0, 0.0]),
        parts=[Placement(kind="block", position=goal, rotation_deg=[0, 0, 0])],
    )
    assert _leaks(spec)[0] >= 3  # the goal's centre gives the placement away


def test_a_mass_equal_to_a_reference_height_is_not_a_leak() -> None:
    mass = _spec_with_reference(push=PushAction(velocity=[0.4, 0.0, 0.0])).moved_object.mass
    spec = _spec_with_reference(
        push=PushAction(velocity=[0.4, 0.0, 0.0]),
        parts=[Placement(kind="block", position=[1.2345678, -2.7182818, mass])],
    )
    assert _leaks(spec)[0] == 0


def test_a_size_equal_to_a_reference_height_is_not_a_leak() -> None:
    base = _spec_with_reference(push=PushAction(velocity=[0.4, 0.0, 0.0]))
    radius = base.moved_object.size[0]
    spec = _spec_with_reference(
        push=PushAction(velocity=[0.4, 0.0, 0.0]),
        parts=[Placement(kind="block", position=[1.2345678, -2.7182818, radius])],
    )
    assert _leaks(spec)[0] == 0
