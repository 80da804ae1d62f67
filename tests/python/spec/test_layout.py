"""Turning a layout: a mirror and a yaw that keep the same physical problem."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchgen.families import get_family
from benchgen.spec.layout import turned
from benchgen.spec.pieces import piece_corners


def _canonical():
    family = get_family("push_to_goal")
    return family.layout(family.sample(3))


@pytest.mark.parametrize(
    ("yaw", "mirrored"),
    [pytest.param(90.0, False, id="quarter"), pytest.param(-37.5, True, id="mirrored")],
)
def test_turning_keeps_every_distance(yaw: float, mirrored: bool) -> None:
    """Piece centres, zone centres and the start keep their pairwise distances.

    (Corners are compared as sets in the mirror test: a mirror reorders a box's corners.)
    """
    layout = _canonical()
    out = turned(layout, yaw_deg=yaw, mirrored=mirrored)

    def points(lay) -> np.ndarray:
        pts = [piece.pose.pos for part in lay.static_parts for piece in part.pieces]
        pts += [z.center for z in lay.forbid_zones]
        pts += [lay.goal_zone.center, lay.moved_object.start_pose.pos]
        return np.asarray(pts)

    a, b = points(layout), points(out)
    d_a = np.linalg.norm(a[:, None] - a[None], axis=-1)
    d_b = np.linalg.norm(b[:, None] - b[None], axis=-1)
    np.testing.assert_allclose(d_a, d_b, atol=1e-5)
    assert not np.allclose(a, b)


def test_push_and_zone_turn_with_the_scene() -> None:
    layout = _canonical()
    out = turned(layout, yaw_deg=90.0)
    vx, vy, vz = layout.reference_solution.push.velocity
    np.testing.assert_allclose(out.reference_solution.push.velocity, [-vy, vx, vz], atol=1e-4)
    assert out.goal_zone.yaw_deg == pytest.approx(layout.goal_zone.yaw_deg + 90.0)
    x, y, z = layout.goal_zone.center
    np.testing.assert_allclose(out.goal_zone.center, [-y, x, z], atol=1e-6)


def test_a_mirror_flips_left_and_right() -> None:
    layout = _canonical()
    out = turned(layout, yaw_deg=0.0, mirrored=True)
    x, y, z = layout.moved_object.start_pose.pos
    np.testing.assert_allclose(out.moved_object.start_pose.pos, [x, -y, z], atol=1e-7)
    # The mirrored table top is still a box: same size, its tilt now the other way.
    before, after = layout.static_parts[1].pieces[0], out.static_parts[1].pieces[0]
    assert before.size == after.size
    np.testing.assert_allclose(
        sorted(map(tuple, np.round(piece_corners(after), 6))),
        sorted(map(tuple, np.round(piece_corners(before) * [1, -1, 1], 6))),
        atol=1e-6,
    )


def test_yaw_angles_wrap_into_a_half_turn() -> None:
    out = turned(_canonical(), yaw_deg=179.0)
    out = turned(out, yaw_deg=179.0)
    assert -180.0 <= out.goal_zone.yaw_deg <= 180.0
    assert math.isclose(out.goal_zone.yaw_deg % 360, 358.0 % 360, abs_tol=1e-6)
