"""Tiny inline scenes for the render tests: a floor, a ball, a goal and a forbid zone."""

from __future__ import annotations

from pathlib import Path

import mujoco
import pytest

import benchgen.render

SCENE_XML = """
<mujoco model="render_test">
  <worldbody>
    <light pos="0 0 2" dir="0 0 -1"/>
    <geom name="floor" type="box" size=".5 .5 .02" pos="0 0 -.02" rgba=".6 .6 .65 1"/>
    <body name="moved_object" pos="-.3 0 .05">
      <freejoint/>
      <geom type="sphere" size=".05" mass=".1" rgba=".85 .25 .15 1"/>
    </body>
    <site name="zone_goal" type="box" size=".1 .1 .05" pos=".3 0 .05" group="3"
          rgba=".1 .8 .2 .35"/>
    <site name="zone_forbid_0" type="box" size=".1 .1 .05" pos="0 .3 .05" group="3"
          rgba=".9 .1 .1 .35"/>
  </worldbody>
</mujoco>
"""

# Nothing the default camera options draw: the only geom is in group 5.
INVISIBLE_XML = """
<mujoco>
  <worldbody>
    <geom type="box" size=".2 .2 .2" group="5"/>
  </worldbody>
</mujoco>
"""


@pytest.fixture(scope="session")
def scene() -> mujoco.MjModel:
    return mujoco.MjModel.from_xml_string(SCENE_XML)


@pytest.fixture
def fresh_scene() -> mujoco.MjModel:
    """A new model of the same scene (a different MjModel object)."""
    return mujoco.MjModel.from_xml_string(SCENE_XML)


@pytest.fixture(scope="session")
def invisible() -> mujoco.MjModel:
    return mujoco.MjModel.from_xml_string(INVISIBLE_XML)


@pytest.fixture(scope="session")
def views(scene: mujoco.MjModel, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The 24 views of the scene, rendered once per session."""
    return benchgen.render.render_views(scene, tmp_path_factory.mktemp("views"))


def pushed(model: mujoco.MjModel, speed: float = 1.0) -> mujoco.MjData:
    """Return the scene's state at t = 0 with the ball rolling towards the goal."""
    data = mujoco.MjData(model)
    data.qvel[0] = speed
    return data
