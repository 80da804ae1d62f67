"""The part-design families: why each needs its parts, pinned on their geometry and physics."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from benchgen.export import export_scenario
from benchgen.export._frame import point_to_godot, rotation_to_godot
from benchgen.export.godot_scene import SCENE_FILE
from benchgen.families import get_family
from benchgen.families.gap_bridge import FLY_SLACK, jump_reach
from benchgen.mjcf import compile_mjspec, load_mjspec
from benchgen.pipeline.build import build_scenario, make_spec, write_model_files
from benchgen.spec.actions import placed_parts
from benchgen.spec.io import load_spec
from benchgen.spec.models import ScenarioSpec, Solution
from benchgen.spec.pieces import piece_corners
from benchgen.verify.simulate import simulate
from benchgen.verify.solution import aimed_pushes, solution_problems
from benchgen.verify.validate import BUILD_ZONE_FACTOR

PART_FAMILIES = ["gap_bridge", "two_plank_bridge", "stopper", "ramp_jump", "deflector_bank"]
SEEDS = range(6)


def _spec(name: str, seed: int, **fixed: object) -> ScenarioSpec:
    family = get_family(name)
    params = family.sample(seed).model_copy(update=fixed)
    return make_spec(family, seed, params, family.build(params))


def _family_frame(name: str, seed: int) -> ScenarioSpec:
    """The layout as the family draws it: not turned, not mirrored."""
    return _spec(name, seed, yaw_deg=0.0, mirrored=False)


@pytest.mark.parametrize("name", PART_FAMILIES)
def test_the_reference_places_parts_in_a_zone_that_leaves_a_choice(name: str) -> None:
    for seed in SEEDS:
        spec = _spec(name, seed)
        reference = spec.reference_solution
        assert reference.parts and not solution_problems(spec, reference), seed
        footprint = 0.0
        for p in reference.parts:
            kind = spec.action_space.kind(p.kind)
            assert kind is not None
            footprint += kind.size[0] * kind.size[1]
        zone = spec.build_zone.size[0] * spec.build_zone.size[1]
        assert zone >= BUILD_ZONE_FACTOR * footprint, (seed, zone, footprint)
        assert spec.action_space.parts is not None
        assert len(spec.action_space.parts.catalog) >= 3  # the needed kinds and distractors


@pytest.mark.parametrize("name", ["gap_bridge", "two_plank_bridge"])
def test_no_push_can_jump_the_pit(name: str) -> None:
    """Each pit (both halves, around the pier) is wider than a top-speed push can fly."""
    for seed in SEEDS:
        spec = _family_frame(name, seed)
        r = spec.moved_object.size[0]
        top = spec.action_space.push.max_speed
        pit = spec.forbid_zones[0]
        supports = sorted(
            (piece.pose.pos[0] - piece.size[0], piece.pose.pos[0] + piece.size[0])
            for part in spec.static_parts
            if part.name in ("platform_a", "pier", "platform_b")
            for piece in part.pieces
        )
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(supports)]
        assert gaps and min(gaps) >= FLY_SLACK * jump_reach(r, top) - 1e-6, (seed, gaps)
        assert pit.min[0] <= supports[0][1] + 1e-6 and pit.max[0] >= supports[-1][0] - 1e-6


def test_one_plank_is_shorter_than_the_whole_pit() -> None:
    for seed in SEEDS:
        spec = _family_frame("two_plank_bridge", seed)
        plank = spec.action_space.kind("plank")
        assert plank is not None and plank.max_count >= 2
        pit = spec.forbid_zones[0].size[0]
        skew = math.radians(spec.params["skew_deg"])
        assert plank.size[0] < pit / math.cos(skew), seed


def test_the_slowest_launch_slides_past_the_farthest_corner() -> None:
    """stopper: v_min² / (2 μ g) is beyond every point of the table, so no push stops."""
    for seed in SEEDS:
        spec = _family_frame("stopper", seed)
        push = spec.action_space.push
        assert push is not None and push.min_speed > 0
        mu = spec.moved_object.friction
        reach = push.min_speed**2 / (2 * mu * 9.81)
        start = np.asarray(spec.moved_object.start_pose.pos[:2])
        table = spec.part("table").pieces[0]
        far = max(float(np.linalg.norm(c[:2] - start)) for c in piece_corners(table))
        assert reach > far + 0.1, (seed, reach, far)
        speed = math.hypot(*spec.reference_solution.push.velocity)
        assert push.min_speed * 1.05 < speed < push.max_speed / 1.05  # jitter stays valid


def test_the_ramp_is_pitched_and_stands_on_the_floor() -> None:
    for seed in SEEDS:
        spec = _family_frame("ramp_jump", seed)
        assert spec.action_space.parts is not None
        assert spec.action_space.parts.orientation == "free"
        (placement,) = spec.reference_solution.parts
        assert placement.rotation_deg[1] < -5.0  # pitched up towards +x
        (ramp,) = placed_parts(spec.reference_solution, spec.action_space)
        lowest = min(c[2] for c in piece_corners(ramp.pieces[0]))
        assert 0.0 <= lowest < 0.001, seed  # on the floor, and not into it
        walls = spec.part("bin").pieces
        top = max(c[2] for c in piece_corners(ramp.pieces[0]))
        assert top > max(w.size[2] * 2 for w in walls[2:])  # the ramp tops the side walls


def test_the_shield_hides_the_bins_mouth() -> None:
    """deflector_bank: every line from the ball's centre to the mouth meets the shield."""
    for seed in SEEDS:
        spec = _family_frame("deflector_bank", seed)
        shield = spec.part("shield").pieces[0]
        x_face = shield.pose.pos[0] - shield.size[0]
        y_half = shield.size[1]
        r = spec.moved_object.size[0]
        goal = spec.goal_zone
        c, s = math.cos(math.radians(goal.yaw_deg)), math.sin(math.radians(goal.yaw_deg))
        hx, hy = goal.size[0] / 2, goal.size[1] / 2
        for across in np.linspace(-hy, hy, 9):  # points of the mouth (the zone's near face)
            x = goal.center[0] - c * hx - s * across
            y = goal.center[1] - s * hx + c * across
            assert abs(y * x_face / x) + r < y_half, (seed, across)


@pytest.mark.slow
@pytest.mark.parametrize("name", PART_FAMILIES)
def test_pushes_alone_fail(name: str, tmp_path: Path) -> None:
    """Aimed pushes (all speeds) and the reference's own push, without parts, all fail."""
    outcome = build_scenario(get_family(name), 0, out_root=tmp_path, godot=False)
    assert outcome.status == "promoted" and outcome.folder is not None, outcome.detail
    folder = Path(outcome.folder)
    spec = load_spec(folder)
    assert simulate(spec, folder, action="reference").outcome == "success"
    shortcuts = [*aimed_pushes(spec, speeds=4), Solution(push=spec.reference_solution.push)]
    for shortcut in shortcuts:
        assert not solution_problems(spec, shortcut)
        trial = simulate(spec, folder, action="solution", solution=shortcut)
        assert trial.outcome == "failure", shortcut


def test_a_pitched_ramp_reaches_godot_turned_right(tmp_path: Path) -> None:
    """The Godot oracle builds the ramp from the scene's reference solution: pitch included."""
    family = get_family("ramp_jump")
    params = family.sample(1)
    layout = family.build(params)
    spec = make_spec(family, 1, params, layout)
    write_model_files(spec, layout, tmp_path)
    export_scenario(spec, tmp_path)
    text = (tmp_path / SCENE_FILE).read_text()  # the reference is a sub-resource of the scene
    found = re.search(r"piece_transforms = .*?Transform3D\(([^)]*)\)", text)
    assert found is not None
    values = [float(v) for v in found.group(1).split(",")]
    (ramp,) = placed_parts(spec.reference_solution, spec.action_space)
    pose = ramp.pieces[0].pose
    np.testing.assert_allclose(
        np.reshape(values[:9], (3, 3)), rotation_to_godot(pose.quat), atol=1e-6
    )
    np.testing.assert_allclose(values[9:], point_to_godot(pose.pos), atol=1e-6)
    rise = np.reshape(values[:9], (3, 3))[1, 0]  # Godot's up (y) part of the ramp's length
    assert rise > math.sin(math.radians(5.0))  # tilted up, not lying flat


@pytest.mark.parametrize("name", PART_FAMILIES)
def test_model_xml_keeps_every_solid_size(name: str, tmp_path: Path) -> None:
    """MuJoCo writes 6 significant digits; the solids are cut so that nothing is lost."""
    for seed in range(3):
        spec = _spec(name, seed)
        family = get_family(name)
        layout = family.build(family.sample(seed))
        model = write_model_files(spec, layout, tmp_path)[1]
        again = compile_mjspec(load_mjspec(tmp_path / "model.xml"), tmp_path)
        assert np.array_equal(again.geom_size, model.geom_size), (name, seed)
