"""build_geometry over a whole layout: a mesh per visible part, a solid per solution part."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.cad import build_geometry
from benchgen.families import get_family
from benchgen.spec.actions import placed_parts
from benchgen.spec.layout import Layout


@pytest.fixture(scope="module")
def layout() -> Layout:
    """gap_bridge: static parts, a moved ball and a placed plank in its reference solution."""
    family = get_family("gap_bridge")
    built = family.layout(family.sample(7))
    assert built.reference_solution.parts, "gap_bridge's reference solution places a part"
    return built


def test_every_part_gets_a_solid_and_only_visible_ones_a_mesh(layout: Layout) -> None:
    geometry = build_geometry(layout)
    statics = {p.name for p in layout.static_parts}
    placements = placed_parts(layout.reference_solution, layout.action_space)
    placed = {f"solution_{p.name}" for p in placements}
    assert placed, "the fixture's reference places parts"
    assert geometry.errors == {}
    assert set(geometry.solids) == statics | {"moved_object"} | placed
    assert set(geometry.meshes) == statics | {"moved_object"}
    for name, solid in geometry.solids.items():
        assert solid.is_valid and solid.volume > 0, name


def test_each_part_solid_spans_its_pieces(layout: Layout) -> None:
    from benchgen.cad import piece_aabb

    geometry = build_geometry(layout)
    for part in layout.static_parts:
        box = geometry.solids[part.name].bounding_box()
        aabbs = [piece_aabb(p) for p in part.pieces]
        lo = [min(b.min[i] for b in aabbs) for i in range(3)]
        hi = [max(b.max[i] for b in aabbs) for i in range(3)]
        assert [box.min.X, box.min.Y, box.min.Z] == pytest.approx(lo, abs=1e-5), part.name
        assert [box.max.X, box.max.Y, box.max.Z] == pytest.approx(hi, abs=1e-5), part.name


def test_meshes_are_written_one_obj_per_part_in_name_order(layout: Layout, tmp_path: Path) -> None:
    geometry = build_geometry(layout)
    written = geometry.write_meshes(tmp_path)
    assert [p.name for p in written] == [f"{n}.obj" for n in sorted(geometry.meshes)]
    assert all(p.parent == tmp_path / "meshes" for p in written)
    again = build_geometry(layout).write_meshes(tmp_path / "again")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]
