"""The push space's speed limits, as the checks and the baselines apply them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from benchgen.families import get_family
from benchgen.pipeline.build import make_spec
from benchgen.spec.actions import action_space_problems
from benchgen.spec.models import PushAction, PushSpace, ScenarioSpec, Solution
from benchgen.verify.solution import aimed_pushes, push_speeds, random_solution


def _spec(push: PushSpace) -> ScenarioSpec:
    family = get_family("push_to_goal")
    params = family.sample(3)
    spec = make_spec(family, 3, params, family.build(params))
    spec.action_space = spec.action_space.model_copy(update={"push": push})
    return spec


def _speed(solution: Solution) -> float:
    assert solution.push is not None
    return math.hypot(*solution.push.velocity)


def test_min_speed_defaults_to_zero() -> None:
    assert PushSpace(max_speed=2.0).min_speed == 0.0


def test_min_speed_above_max_speed_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"min_speed \(3.0\) must not exceed"):
        PushSpace(min_speed=3.0, max_speed=2.0)


@pytest.mark.parametrize(
    ("speed", "problem"),
    [
        pytest.param(0.5, "the least allowed is 1.0000 m/s", id="too-slow"),
        pytest.param(1.5, None, id="inside"),
        pytest.param(2.5, "the most allowed is 2.0000 m/s", id="too-fast"),
    ],
)
def test_push_speed_must_lie_between_the_limits(speed: float, problem: str | None) -> None:
    spec = _spec(PushSpace(min_speed=1.0, max_speed=2.0))
    solution = Solution(push=PushAction(velocity=[speed, 0.0, 0.0]))
    problems = action_space_problems(solution, spec.action_space, spec.build_zone)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


def test_random_pushes_keep_to_the_speed_range() -> None:
    spec = _spec(PushSpace(min_speed=1.0, max_speed=2.0))
    rng = np.random.default_rng(0)
    speeds = [_speed(random_solution(spec, rng)) for _ in range(200)]
    assert 1.0 <= min(speeds) < 1.1 and 1.9 < max(speeds) <= 2.0


def test_random_pushes_start_at_zero_without_a_min_speed() -> None:
    spec = _spec(PushSpace(max_speed=2.0))
    rng = np.random.default_rng(0)
    assert min(_speed(random_solution(spec, rng)) for _ in range(200)) < 0.1


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        pytest.param(PushSpace(max_speed=2.0), [0.5, 1.0, 1.5, 2.0], id="from-zero"),
        pytest.param(
            PushSpace(min_speed=1.4, max_speed=2.0), [1.4, 1.6, 1.8, 2.0], id="from-min-speed"
        ),
    ],
)
def test_aimed_pushes_spread_over_the_push_space(space: PushSpace, expected: list[float]) -> None:
    assert push_speeds(space, 4) == pytest.approx(expected)
    spec = _spec(space)
    assert [_speed(s) for s in aimed_pushes(spec, speeds=4)] == pytest.approx(expected)
