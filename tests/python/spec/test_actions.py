"""The action space: what a solution may do, and a sentence for every way it may not."""

from __future__ import annotations

import math

import pytest

from benchgen.spec.actions import action_space_problems, placed_parts
from benchgen.spec.models import (
    ActionSpace,
    PartKind,
    PartSpace,
    Placement,
    PushAction,
    PushSpace,
    Solution,
    Zone,
)
from benchgen.spec.pieces import box_corners

ZONE = Zone(min=[0, 0, 0], max=[1, 0.5, 0.3], yaw_deg=30)
SPACE = ActionSpace(
    push=PushSpace(max_speed=2.0),
    parts=PartSpace(catalog=[PartKind(kind="plank", size=[0.3, 0.1, 0.02], max_count=2)]),
)
INSIDE = Placement(kind="plank", position=ZONE.center, rotation_deg=[0, 0, 30])


def _problems(solution: Solution, space: ActionSpace = SPACE) -> list[str]:
    return action_space_problems(solution, space, ZONE)


def test_a_valid_solution_has_no_problem() -> None:
    push = PushAction(velocity=[1.2, -1.2, 0.0])
    assert _problems(Solution(push=push, parts=[INSIDE, INSIDE])) == []


TOO_FAST = Solution(push=PushAction(velocity=[2.0, 0.5, 0]))
VERTICAL = Solution(push=PushAction(velocity=[1, 0, 0.2]))
NAN = Solution(push=PushAction(velocity=[math.nan, 0, 0]))


def _moved(**update: object) -> Solution:
    return Solution(parts=[INSIDE.model_copy(update=update)])


@pytest.mark.parametrize(
    ("solution", "words"),
    [
        pytest.param(TOO_FAST, "most allowed is 2.0000", id="too-fast"),
        pytest.param(VERTICAL, "must be horizontal", id="vertical"),
        pytest.param(NAN, "finite", id="nan"),
        pytest.param(Solution(parts=[INSIDE] * 3), "at most 2 allowed", id="too-many"),
        pytest.param(_moved(kind="brick"), "catalog has: plank", id="unknown-kind"),
        pytest.param(_moved(rotation_deg=[5, 0, 30]), "tilted", id="tilted"),
        pytest.param(_moved(position=[2, 2, 0.1]), "outside the build zone", id="outside"),
    ],
)
def test_each_breach_is_named(solution: Solution, words: str) -> None:
    problems = _problems(solution)
    assert len(problems) == 1 and words in problems[0], problems


def test_a_part_turned_across_a_narrow_zone_pokes_out() -> None:
    """A 0.3 m plank fits along a 0.2 m wide zone turned by 30°, not across it."""
    narrow = Zone(min=[0, 0, 0], max=[1, 0.2, 0.3], yaw_deg=30)
    along = Placement(kind="plank", position=narrow.center, rotation_deg=[0, 0, 30])
    across = Placement(kind="plank", position=narrow.center, rotation_deg=[0, 0, 120])
    assert action_space_problems(Solution(parts=[along]), SPACE, narrow) == []
    assert action_space_problems(Solution(parts=[across]), SPACE, narrow) != []


def test_no_push_space_refuses_a_push_and_no_parts_space_refuses_parts() -> None:
    push = Solution(push=PushAction(velocity=[0.1, 0, 0]))
    assert "allows no push" in _problems(push, ActionSpace(parts=SPACE.parts))[0]
    assert "allows no parts" in _problems(Solution(parts=[INSIDE]), ActionSpace(push=SPACE.push))[0]


def test_placed_parts_are_boxes_of_the_catalog_size_at_the_pose() -> None:
    (part,) = placed_parts(Solution(parts=[INSIDE]), SPACE)
    piece = part.pieces[0]
    assert part.name == "plank_1" and piece.size == [0.15, 0.05, 0.01]
    corners = box_corners(piece.size, piece.pose.pos, piece.pose.quat)
    assert all(ZONE.contains_point(c) for c in corners)
