"""The MJCF of a scenario: exact pieces collide, meshes only show, zones are named sites."""

from __future__ import annotations

from pathlib import Path

import mujoco
import numpy as np
import pytest

from benchgen.cad import build_geometry
from benchgen.errors import ModelError
from benchgen.families import get_family
from benchgen.mjcf import (
    COLLISION_GROUP,
    VISUAL_GROUP,
    add_placed_parts,
    build_mjspec,
    compile_mjspec,
    load_mjspec,
)
from benchgen.spec.actions import placed_parts
from benchgen.spec.layout import spec_from_layout
from benchgen.spec.models import ScenarioSpec

Scenario = tuple[ScenarioSpec, Path]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A gap_bridge spec (two forbid zones, a placed plank) and a folder with its meshes."""
    family = get_family("gap_bridge")
    params = family.sample(7)
    layout = family.layout(params)
    spec = spec_from_layout(
        layout, scenario_id="gap_bridge-000007-abcdef", family="gap_bridge", seed=7, params={}
    )
    folder = tmp_path_factory.mktemp("mjcf")
    build_geometry(layout).write_meshes(folder)
    return spec, folder


def _geom(model: mujoco.MjModel, name: str) -> int:
    return mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_GEOM, name)


def test_every_piece_is_a_colliding_primitive_in_the_collision_group(scenario: Scenario) -> None:
    spec, folder = scenario
    model = compile_mjspec(build_mjspec(spec), folder)
    want_type = {"box": mujoco.mjtGeom.mjGEOM_BOX, "sphere": mujoco.mjtGeom.mjGEOM_SPHERE}
    for part in spec.static_parts:
        for i, piece in enumerate(part.pieces):
            g = _geom(model, f"{part.name}_c{i}")
            assert g >= 0, f"{part.name}_c{i}"
            assert model.geom_type[g] == want_type[piece.shape]
            assert model.geom_group[g] == COLLISION_GROUP
            assert model.geom_contype[g] and model.geom_conaffinity[g]
            assert model.geom_size[g][: len(piece.size)] == pytest.approx(piece.size)
            assert model.geom_pos[g] == pytest.approx(piece.pose.pos)
            assert model.geom_friction[g][0] == pytest.approx(part.friction)


def test_visual_meshes_neither_collide_nor_weigh(scenario: Scenario) -> None:
    spec, folder = scenario
    model = compile_mjspec(build_mjspec(spec), folder)
    for part in spec.static_parts:
        g = _geom(model, f"{part.name}_visual")
        assert model.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH
        assert model.geom_group[g] == VISUAL_GROUP
        assert model.geom_contype[g] == 0 and model.geom_conaffinity[g] == 0
    assert model.body_mass[0] == 0.0  # the world holds only fixed geoms


def test_the_moved_object_is_one_free_body_of_its_mass(scenario: Scenario) -> None:
    spec, folder = scenario
    model = compile_mjspec(build_mjspec(spec), folder)
    moved = spec.moved_object
    body = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, moved.body)
    assert model.nbody == 2 and body == 1
    assert model.body_mass[body] == pytest.approx(moved.mass)
    assert model.njnt == 1 and model.jnt_type[0] == mujoco.mjtJoint.mjJNT_FREE
    assert model.body_pos[body] == pytest.approx(moved.start_pose.pos)


def test_zones_are_box_sites_named_for_other_tools(scenario: Scenario) -> None:
    spec, folder = scenario
    model = compile_mjspec(build_mjspec(spec), folder)
    zones = {"zone_goal": spec.goal_zone, "zone_build": spec.build_zone}
    zones |= {f"zone_forbid_{i}": z for i, z in enumerate(spec.forbid_zones)}
    assert len(spec.forbid_zones) >= 1
    names = {mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_SITE, i) for i in range(model.nsite)}
    assert names == set(zones)
    for name, box in zones.items():
        s = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, name)
        assert model.site_type[s] == mujoco.mjtGeom.mjGEOM_BOX
        assert model.site_pos[s] == pytest.approx(box.center)
        assert 2 * model.site_size[s] == pytest.approx(np.array(box.size))


def test_placed_parts_are_added_as_fixed_solution_geoms(scenario: Scenario) -> None:
    spec, folder = scenario
    mj = build_mjspec(spec)
    parts = placed_parts(spec.reference_solution, spec.action_space)
    assert parts, "the fixture's reference places parts"
    add_placed_parts(mj, parts)
    model = compile_mjspec(mj, folder)
    for part in parts:
        for i, piece in enumerate(part.pieces):
            g = _geom(model, f"solution_{part.name}_c{i}")
            assert g >= 0 and model.geom_bodyid[g] == 0
            assert model.geom_pos[g] == pytest.approx(piece.pose.pos)


def test_model_xml_round_trips_and_is_deterministic(scenario: Scenario, tmp_path: Path) -> None:
    spec, folder = scenario

    def written() -> tuple[mujoco.MjModel, str]:
        mj = build_mjspec(spec)
        model = compile_mjspec(mj, folder)  # to_xml needs a compiled spec
        return model, mj.to_xml()

    (first, xml), (_, xml_again) = written(), written()
    assert xml == xml_again
    (tmp_path / "model.xml").write_text(xml)
    again = compile_mjspec(load_mjspec(tmp_path / "model.xml"), folder)
    for field in ("ngeom", "nsite", "nbody", "nmesh"):
        assert getattr(again, field) == getattr(first, field), field
    assert np.array_equal(again.geom_size, first.geom_size)


def test_a_missing_mesh_is_a_model_error_naming_it(scenario: Scenario, tmp_path: Path) -> None:
    spec, _folder = scenario
    with pytest.raises(ModelError, match=spec.static_parts[0].mesh.split("/")[-1]):
        compile_mjspec(build_mjspec(spec), tmp_path)


def test_an_unreadable_model_xml_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.xml"
    bad.write_text("<mujoco><worldbody><geom type='nope'/></worldbody></mujoco>")
    with pytest.raises(ModelError, match="MuJoCo cannot read"):
        load_mjspec(bad)
