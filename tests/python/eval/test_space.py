"""The unit-cube encoding of an action space decodes to solutions inside it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from benchgen.eval.dataset import load_dataset
from benchgen.eval.space import ActionVector
from benchgen.verify.solution import solution_problems


def test_uniform_points_are_actions_of_the_space(push_dataset: Path, parts_dataset: Path) -> None:
    rng = np.random.default_rng(0)
    for scenario in load_dataset(push_dataset) + load_dataset(parts_dataset):
        space, spec = ActionVector(scenario.problem), scenario.spec()
        push = scenario.problem.action_space.push
        assert push is not None
        for _ in range(20):
            solution = space.decode(space.uniform(rng))
            assert solution.push is not None
            speed = math.sqrt(sum(v * v for v in solution.push.velocity))
            assert speed <= push.max_speed + 1e-6
            breaches = solution_problems(spec, solution)
            # Parts land anywhere in the build zone, so only reaching out of it may fail.
            assert all("build zone" in b or "reaches into" in b for b in breaches), breaches


def test_the_corners_of_the_cube_are_the_limits(push_dataset: Path) -> None:
    scenario = load_dataset(push_dataset)[0]
    space = ActionVector(scenario.problem)
    assert space.dims == 3  # push_to_goal pushes in any direction: speed, azimuth, height
    top = space.decode(np.array([1.0, 0.5, 0.5])).push
    assert top is not None
    assert math.dist(top.velocity, [scenario.problem.action_space.push.max_speed, 0, 0]) < 1e-4  # type: ignore[union-attr]
    assert space.decode(np.zeros(3)).push.velocity == [0.0, 0.0, 0.0]  # type: ignore[union-attr]


def test_encode_push_inverts_decode(push_dataset: Path) -> None:
    space = ActionVector(load_dataset(push_dataset)[0].problem)
    u = np.array([0.3, 0.8, 0.6])
    push = space.decode(u).push
    assert push is not None
    assert np.allclose(space.encode_push(push.velocity), u, atol=1e-5)


def test_fitted_parts_always_lie_inside_the_build_zone(parts_dataset: Path) -> None:
    scenario = load_dataset(parts_dataset)[0]
    spec, rng = scenario.spec(), np.random.default_rng(1)
    fitted, plain = ActionVector(scenario.problem, fit=True), ActionVector(scenario.problem)
    outside = {"fitted": 0, "plain": 0}
    for _ in range(200):
        u = rng.random(fitted.dims)
        for name, space in (("fitted", fitted), ("plain", plain)):
            breaches = solution_problems(spec, space.decode(u))
            outside[name] += any("outside the build zone" in b for b in breaches)
    assert outside["fitted"] == 0 and outside["plain"] > 0, outside
