"""The push-only families: the mechanism is needed, and the goal holds what reaches it.

Each family's docstring argues why a push aimed at the goal fails at every speed and why
the moved object comes to rest in the goal; these tests run those arguments in MuJoCo on
one promoted scenario of each family.
"""

from __future__ import annotations

import math
from pathlib import Path

import mujoco
import pytest

from benchgen.families import get_family
from benchgen.pipeline import build_scenario
from benchgen.spec.folder import scenario_folder
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason, PushAction, ScenarioSpec, Solution, TrialResult
from benchgen.verify.simulate import TrialZones, run_trial, simulate, trial_model
from benchgen.verify.solution import aimed_pushes

PUSH_ONLY = ["bin_drop", "funnel_drop", "obstacle_maze", "ramp_to_goal"]
Built = dict[str, tuple[ScenarioSpec, Path]]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One promoted scenario of each push-only family (seed 0), without Godot export."""
    out = tmp_path_factory.mktemp("push_families")
    built = {}
    for name in PUSH_ONLY:
        outcome = build_scenario(get_family(name), 0, out_root=out, godot=False)
        assert outcome.status == "promoted", f"{name}: {outcome.detail}"
        folder = scenario_folder(out, name, outcome.scenario_id)
        built[name] = (load_spec(folder), folder)
    return built


def _push(spec: ScenarioSpec, folder: Path, velocity: list[float]) -> TrialResult:
    solution = Solution(push=PushAction(velocity=velocity))
    return simulate(spec, folder, action="solution", solution=solution)


@pytest.mark.parametrize("name", PUSH_ONLY)
def test_the_reference_comes_to_rest_in_the_goal(name: str, scenarios: Built) -> None:
    spec, folder = scenarios[name]
    trial = simulate(spec, folder, action="reference")
    assert trial.outcome == "success", trial.detail
    assert trial.won_s is not None and trial.won_s - trial.entered_s >= spec.success.seconds - 1e-6


@pytest.mark.parametrize("name", PUSH_ONLY)
def test_a_push_aimed_at_the_goal_fails_at_every_speed(name: str, scenarios: Built) -> None:
    """Twice as many speeds as the gate tries, the slowest a sixteenth of the limit."""
    spec, folder = scenarios[name]
    for shortcut in aimed_pushes(spec, speeds=16):
        trial = _push(spec, folder, shortcut.push.velocity)
        speed = math.hypot(*shortcut.push.velocity)
        assert trial.outcome == "failure", f"{name}: aimed at {speed:.2f} m/s: {trial.detail}"


@pytest.mark.parametrize("name", PUSH_ONLY)
def test_the_goal_holds_the_object_set_down_in_it(name: str, scenarios: Built) -> None:
    """Dropped at rest over the goal's centre from its top, the object stays there."""
    spec, folder = scenarios[name]
    model, data = trial_model(spec, folder, None)
    joint = model.body(spec.moved_object.body).jntadr[0]
    adr = model.jnt_qposadr[joint]
    cx, cy, _ = spec.goal_zone.center
    data.qpos[adr : adr + 3] = [cx, cy, spec.goal_zone.max[2]]
    mujoco.mj_forward(model, data)
    trial = run_trial(model, data, TrialZones.from_spec(spec), action="solution", horizon_s=2.0)
    assert trial.outcome == "success", trial.detail


@pytest.mark.parametrize("name", ["ramp_to_goal", "obstacle_maze"])
def test_twice_the_reference_speed_misses(name: str, scenarios: Built) -> None:
    """The goal only holds the ball because the push is right: pushed twice as hard it fails."""
    spec, folder = scenarios[name]
    trial = _push(spec, folder, [2 * v for v in spec.reference_solution.push.velocity])
    assert trial.outcome == "failure", trial.detail


def test_funnel_drop_has_no_floor_to_roll_under_the_chute(scenarios: Built) -> None:
    """Issue 9's shortcut: the slowest aimed push drops off the ledge and out of the scene."""
    spec, folder = scenarios["funnel_drop"]
    slowest = aimed_pushes(spec, speeds=16)[0]
    trial = _push(spec, folder, slowest.push.velocity)
    assert trial.reason == FailureReason.OUT_OF_BOUNDS, trial.detail


def test_bin_drop_aimed_push_stops_on_the_table(scenarios: Built) -> None:
    """Aimed at the bin, the cube runs along the side rail into the corner and stays there."""
    spec, folder = scenarios["bin_drop"]
    table_top = spec.moved_object.start_pose.pos[2]
    for shortcut in aimed_pushes(spec, speeds=8):
        trial = _push(spec, folder, shortcut.push.velocity)
        assert trial.reason == FailureReason.TIMEOUT, trial.detail
        assert abs(trial.final_position[2] - table_top) < 0.01, trial.final_position
