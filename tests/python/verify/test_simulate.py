"""Each trial outcome pinned with a tiny inline MJCF, as the reference implementation's tests do.

The reference implementation: docs/architecture.md#the-seeds-reference-implementation.
"""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from benchgen.spec.models import Box, FailureReason
from benchgen.verify.simulate import TrialZones, run_trial

MJCF = """
<mujoco>
  <option timestep="0.002"><flag energy="enable"/></option>
  <worldbody>
    <geom name="floor" type="box" size="5 5 0.05" pos="0 0 -0.05" friction="0.8 0.005 0.0001"/>
    <body name="moved_object" pos="0 0 {z}">
      <freejoint/>
      <geom type="sphere" size="0.05" mass="0.2" friction="0.8 0.005 0.0001"/>
    </body>
  </worldbody>
</mujoco>
"""
WORKSPACE = Box(min=[-5, -5, -0.1], max=[5, 5, 2])
GOAL = Box(min=[0.5, -0.2, 0], max=[0.8, 0.2, 0.2])
FORBID = Box(min=[-0.2, 0.5, 0], max=[0.2, 0.8, 0.2])


def _setup(velocity: list[float], *, z: float = 0.0505, floor: bool = True):
    xml = MJCF.format(z=z)
    if not floor:
        xml = xml.replace('<geom name="floor"', '<geom name="floor" contype="0" conaffinity="0"')
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    data.qvel[:3] = velocity
    mujoco.mj_forward(model, data)
    return model, data


def _zones(workspace: Box = WORKSPACE) -> TrialZones:
    return TrialZones(workspace=workspace, goal=GOAL, forbid=(FORBID,))


@pytest.mark.parametrize(
    ("velocity", "action", "outcome", "reason"),
    [
        pytest.param([1.0, 0, 0], "reference", "success", None, id="goal-entry-success"),
        pytest.param(
            [0, 1.0, 0], "reference", "failure", FailureReason.FORBID_ZONE_HIT, id="forbid-hit"
        ),
        pytest.param([0, 0, 0], "null", "failure", FailureReason.TIMEOUT, id="rest-timeout"),
        pytest.param(
            [-1.0, 0, 0], "reference", "failure", FailureReason.TIMEOUT, id="wrong-way-timeout"
        ),
    ],
)
def test_trial_outcomes(velocity, action, outcome, reason) -> None:
    model, data = _setup(velocity)
    result = run_trial(model, data, _zones(), action=action, horizon_s=2.0)
    assert (result.outcome, result.reason) == (outcome, reason), result.detail


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


def test_null_trial_grazing_the_goal_counts_as_reached() -> None:
    """No action must not even touch the goal: an AABB overlap is enough to count."""
    model, data = _setup([0, 0, 0])
    data.qpos[0] = GOAL.min[0] - 0.04  # sphere radius 0.05: overlaps, centre outside
    mujoco.mj_forward(model, data)
    result = run_trial(model, data, _zones(), action="null", horizon_s=0.5)
    assert result.reached_goal


def test_short_horizon_times_out_before_the_goal() -> None:
    model, data = _setup([0.3, 0, 0])
    result = run_trial(model, data, _zones(), action="reference", horizon_s=0.2)
    assert (result.outcome, result.reason) == ("failure", FailureReason.TIMEOUT)


def test_energy_growth_is_instability(monkeypatch: pytest.MonkeyPatch) -> None:
    """A motor that keeps pushing adds energy to a passive scene: the check must see it."""
    xml = (
        MJCF.format(z=0.0505)
        .replace(
            "</worldbody>", '</worldbody><actuator><motor joint="j" gear="1 0 0 0 0 0"/></actuator>'
        )
        .replace("<freejoint/>", '<freejoint name="j"/>')
    )
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    data.ctrl[0] = 0.3
    mujoco.mj_forward(model, data)
    zones = TrialZones(workspace=WORKSPACE, goal=Box(min=[4, 4, 0], max=[4.5, 4.5, 1]), forbid=())
    result = run_trial(model, data, zones, action="null", horizon_s=2.0)
    assert result.reason == FailureReason.PHYSICS_INSTABILITY
    assert "energy grew" in result.detail
