"""Each trial outcome pinned with a tiny inline MJCF, as the reference implementation's tests do.

The reference implementation: docs/architecture.md#the-seeds-reference-implementation.
"""

from __future__ import annotations

import math

import mujoco
import numpy as np
import pytest

from benchgen.spec.models import Box, FailureReason, Zone
from benchgen.verify.simulate import TrialZones, run_trial

BODY = "benchmark_moved_object__main"
MJCF = """
<mujoco>
  <option timestep="0.002" cone="elliptic"><flag energy="enable"/></option>
  <worldbody>
    <geom name="floor" type="box" size="5 5 0.05" pos="0 0 -0.05" friction="0.8 0.005 0.0001"/>
    <body name="{body}" pos="0 0 {z}">
      <freejoint/>
      <geom type="{shape}" size="{size}" mass="0.2" friction="0.8 0.005 0.0001"/>
    </body>
  </worldbody>
</mujoco>
"""
WORKSPACE = Box(min=[-5, -5, -0.1], max=[5, 5, 2])
GOAL = Zone(min=[0.5, -0.2, 0], max=[0.8, 0.2, 0.2])
FORBID = Zone(min=[-0.2, 0.5, 0], max=[0.2, 0.8, 0.2])
G = 9.81


def _setup(velocity: list[float], *, z: float = 0.0505, floor: bool = True, box: bool = False):
    shape, size = ("box", "0.05 0.05 0.05") if box else ("sphere", "0.05")
    xml = MJCF.format(z=z, body=BODY, shape=shape, size=size)
    if not floor:
        xml = xml.replace('<geom name="floor"', '<geom name="floor" contype="0" conaffinity="0"')
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    data.qvel[:3] = velocity
    mujoco.mj_forward(model, data)
    return model, data


def _zones(workspace: Box = WORKSPACE, goal: Zone = GOAL, dwell_s: float = 0.5) -> TrialZones:
    return TrialZones(
        workspace=workspace, goal=goal, forbid=(FORBID,), moved_body=BODY, dwell_s=dwell_s
    )


def _stop_speed(distance: float, mu: float = 0.8) -> float:
    """Return the push that makes a sliding box stop ``distance`` further."""
    return math.sqrt(2 * mu * G * distance)


@pytest.mark.parametrize(
    ("velocity", "box", "action", "outcome", "reason"),
    [
        pytest.param(
            [_stop_speed(0.65), 0, 0], True, "solution", "success", None, id="slides-and-stays"
        ),
        pytest.param(
            [1.0, 0, 0], False, "solution", "failure", FailureReason.FLY_THROUGH, id="fly-through"
        ),
        pytest.param(
            [0, 1.0, 0], False, "solution", "failure", FailureReason.FORBID_ZONE_HIT, id="forbid"
        ),
        pytest.param([0, 0, 0], False, "null", "failure", FailureReason.TIMEOUT, id="rest"),
        pytest.param(
            [-1.0, 0, 0], False, "solution", "failure", FailureReason.TIMEOUT, id="wrong-way"
        ),
    ],
)
def test_trial_outcomes(velocity, box, action, outcome, reason) -> None:
    model, data = _setup(velocity, box=box)
    result = run_trial(model, data, _zones(), action=action, horizon_s=4.0)
    assert (result.outcome, result.reason) == (outcome, reason), result.detail


def test_success_is_dated_entry_then_dwell() -> None:
    model, data = _setup([_stop_speed(0.65), 0, 0], box=True)
    result = run_trial(model, data, _zones(), action="solution", horizon_s=4.0)
    assert result.entered_s is not None and result.won_s is not None
    assert result.won_s - result.entered_s == pytest.approx(0.5, abs=0.011)
    assert result.reached_goal and result.entered_goal


def test_fly_through_records_entry_but_no_win() -> None:
    model, data = _setup([1.0, 0, 0])
    result = run_trial(model, data, _zones(), action="solution", horizon_s=4.0)
    assert result.entered_s is not None and result.won_s is None
    assert result.entered_goal and not result.reached_goal
    assert result.final_position is not None and result.final_position[0] > GOAL.max[0]


def test_a_longer_dwell_turns_a_stop_near_the_edge_into_a_success_later() -> None:
    """The dwell clock runs from entry: a 1 s dwell wins 0.5 s later than a 0.5 s one."""
    push = [_stop_speed(0.65), 0, 0]
    short = run_trial(*_setup(push, box=True), _zones(), action="solution", horizon_s=4.0)
    long = run_trial(*_setup(push, box=True), _zones(dwell_s=1.0), action="solution", horizon_s=4)
    assert long.won_s is not None and short.won_s is not None
    assert long.won_s - short.won_s == pytest.approx(0.5, abs=0.011)


def test_a_turned_goal_is_tested_in_its_own_frame() -> None:
    """A goal turned 45° about its centre: a box stopping on its diagonal is inside it."""
    distance = 0.7
    turned = Zone(min=[0.5 - 0.06, 0.5 - 0.06, 0], max=[0.5 + 0.06, 0.5 + 0.06, 0.2], yaw_deg=45)
    speed = _stop_speed(distance)
    model, data = _setup([speed / math.sqrt(2), speed / math.sqrt(2), 0], box=True)
    result = run_trial(model, data, _zones(goal=turned), action="solution", horizon_s=4.0)
    assert result.outcome == "success", result.detail


def test_falling_below_the_workspace_is_out_of_bounds() -> None:
    model, data = _setup([0, 0, 0], floor=False)
    result = run_trial(model, data, _zones(), action="null", horizon_s=3.0)
    assert result.reason == FailureReason.OUT_OF_BOUNDS
    assert "left the workspace" in result.detail


def test_injected_nan_is_physics_instability() -> None:
    model, data = _setup([0, 0, 0])
    data.qvel[0] = np.nan
    result = run_trial(model, data, _zones(), action="null", horizon_s=1.0)
    assert result.reason == FailureReason.PHYSICS_INSTABILITY


def test_runaway_speed_is_physics_instability() -> None:
    model, data = _setup([60.0, 0, 0], z=0.5, floor=False)
    result = run_trial(
        model,
        data,
        _zones(Box(min=[-500, -5, -500], max=[500, 5, 5])),
        action="null",
        horizon_s=0.5,
    )
    assert result.reason == FailureReason.PHYSICS_INSTABILITY
    assert "m/s" in result.detail


def test_null_trial_grazing_the_goal_counts_as_entered() -> None:
    """No action must not even touch the goal: an overlap is enough to count."""
    model, data = _setup([0, 0, 0])
    data.qpos[0] = GOAL.min[0] - 0.04  # sphere radius 0.05: overlaps, centre outside
    mujoco.mj_forward(model, data)
    result = run_trial(model, data, _zones(), action="null", horizon_s=0.5)
    assert result.entered_goal and not result.reached_goal


def test_short_horizon_times_out_before_the_goal() -> None:
    model, data = _setup([0.3, 0, 0])
    result = run_trial(model, data, _zones(), action="solution", horizon_s=0.2)
    assert (result.outcome, result.reason) == ("failure", FailureReason.TIMEOUT)


def test_a_trial_at_rest_outside_the_goal_ends_early() -> None:
    model, data = _setup([_stop_speed(0.2), 0, 0], box=True)
    result = run_trial(model, data, _zones(), action="solution", horizon_s=30.0)
    assert result.reason == FailureReason.TIMEOUT
    assert "came to rest" in result.detail and result.sim_time_s < 2.0


def test_energy_growth_is_instability() -> None:
    """A motor that keeps pushing adds energy to a passive scene: the check must see it."""
    xml = (
        MJCF.format(z=0.0505, body=BODY, shape="sphere", size="0.05")
        .replace(
            "</worldbody>", '</worldbody><actuator><motor joint="j" gear="1 0 0 0 0 0"/></actuator>'
        )
        .replace("<freejoint/>", '<freejoint name="j"/>')
    )
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    data.ctrl[0] = 0.3
    mujoco.mj_forward(model, data)
    zones = _zones(goal=Zone(min=[4, 4, 0], max=[4.5, 4.5, 1]))
    result = run_trial(model, data, zones, action="null", horizon_s=2.0)
    assert result.reason == FailureReason.PHYSICS_INSTABILITY
    assert "energy grew" in result.detail
