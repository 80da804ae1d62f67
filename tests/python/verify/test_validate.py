"""Static checks of the promotion gate, each made to fail on purpose."""

from __future__ import annotations

import pytest

from benchgen.cad import build_geometry
from benchgen.families import get_family
from benchgen.spec.models import Box, FailureReason, PartKind, PartSpace, Placement, Zone
from benchgen.verify.validate import validate_layout

FAMILY = "push_to_goal"


@pytest.fixture
def layout():
    family = get_family(FAMILY)
    return family.build(family.sample(7))


def _failed(layout) -> dict[str, FailureReason | None]:
    checks = validate_layout(layout, build_geometry(layout))
    return {c.name: c.reason for c in checks if not c.passed}


def test_a_good_layout_passes(layout) -> None:
    assert _failed(layout) == {}


def test_goal_inside_a_solid_part_is_a_zone_conflict(layout) -> None:
    top = layout.static_parts[1].pieces[0]  # the table top
    x, y, z = top.pose.pos
    layout.goal_zone = Zone(min=[x - 0.01, y - 0.01, z - 0.01], max=[x + 0.01, y + 0.01, z + 0.01])
    assert _failed(layout) == {"zones_consistent": FailureReason.ZONE_CONFLICT}


def test_goal_overlapping_a_forbid_zone(layout) -> None:
    layout.forbid_zones.append(layout.goal_zone.model_copy())
    assert "zones_consistent" in _failed(layout)


def test_start_inside_the_goal(layout) -> None:
    pos = layout.moved_object.start_pose.pos
    layout.goal_zone = Zone(min=[p - 0.2 for p in pos], max=[p + 0.2 for p in pos])
    assert "zones_consistent" in _failed(layout)


def test_part_outside_the_workspace(layout) -> None:
    ws = layout.workspace
    layout.workspace = Box(min=ws.min, max=[ws.max[0] - 0.5, ws.max[1], ws.max[2]])
    assert _failed(layout).get("in_bounds") == FailureReason.OUT_OF_BOUNDS


def test_overlapping_parts_are_an_intersection(layout) -> None:
    moved = layout.moved_object
    x, y, z = moved.start_pose.pos
    moved.start_pose.pos = [x, y, z - 0.02]  # 2 cm into the table top
    assert _failed(layout).get("no_intersection") == FailureReason.INTERSECTION


def test_a_build_zone_that_gives_the_placement_away(layout) -> None:
    """A part that covers more than a quarter of the build zone's footprint is a given."""
    zone = layout.build_zone
    slab = [0.55 * zone.size[0], 0.55 * zone.size[1], 0.01]  # 30 % of the footprint
    layout.action_space.parts = PartSpace(catalog=[PartKind(kind="slab", size=slab)])
    top = [zone.center[0], zone.center[1], zone.max[2] - 0.01]  # clear of the table
    layout.reference_solution.parts = [
        Placement(kind="slab", position=top, rotation_deg=[0, 0, zone.yaw_deg])
    ]
    assert _failed(layout).get("build_zone_size") == FailureReason.BUILD_ZONE_TOO_SMALL


def test_reference_parts_must_lie_in_the_build_zone(layout) -> None:
    zone = layout.build_zone
    layout.action_space.parts = PartSpace(catalog=[PartKind(kind="peg", size=[0.02, 0.02, 0.02])])
    outside = [zone.center[0], zone.center[1], zone.max[2] + 1.0]
    layout.reference_solution.parts = [Placement(kind="peg", position=outside)]
    assert _failed(layout).get("in_bounds") == FailureReason.OUT_OF_BOUNDS


def test_validate_a_spec_on_disk(ramp_dataset) -> None:
    from benchgen.spec import load_spec
    from benchgen.verify import validate

    spec = load_spec(next(ramp_dataset.glob(f"{FAMILY}/*/")))
    assert all(c.passed for c in validate(spec))
    x, y, _ = spec.moved_object.start_pose.pos
    spec.moved_object.start_pose.pos = [x, y, 0.0]  # half inside the floor
    failed = {c.name for c in validate(spec) if not c.passed}
    assert "no_intersection" in failed


def test_validate_family_across_seeds() -> None:
    from benchgen.verify import validate_family

    results = validate_family(get_family(FAMILY), seeds=(0, 5, 9))
    assert sorted(results) == [0, 5, 9]
    assert all(c.passed for checks in results.values() for c in checks)
