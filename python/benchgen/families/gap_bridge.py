"""gap_bridge: a ball on one platform, the goal on another, a pit between them to bridge."""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.spec.models import (
    ActionSpace,
    PartKind,
    PartSpace,
    Placement,
    PushAction,
    PushSpace,
    ReferenceSolution,
)
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "GapBridge"]

FLOOR_T = 0.05
PLANK_T = 0.008  # thin, so the rolling ball climbs the step onto it without a chamfer
GAP = 0.0005  # the ball starts 0.5 mm above its support (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
PIT_CLEARANCE = 0.045  # the pit's forbid zone stops this far below the platform tops
CLIMB_SLACK = 2.0  # rolling speed over the speed that just climbs the plank's step
FLY_SLACK = 1.3  # gap width over the widest gap a pushed ball could jump


class GapBridgeParams(FamilyParams):
    platform_height: float = ranged(0.18, description="height of both platform tops (m)")
    gap: float = ranged(0.32, description="width of the pit between the platforms along x (m)")
    width: float = ranged(0.32, description="width of the platforms along y (m)")
    ball_radius: float = ranged(0.045, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    clearance: float = ranged(0.12, description="gap between the ball and the build zone (m)")
    back: float = ranged(0.12, description="platform A behind the ball (m)")
    goal_setback: float = ranged(
        0.18, description="distance of the goal from platform B's edge (m)"
    )
    goal_length: float = ranged(0.20, description="length of the goal zone along x (m)")
    tail: float = ranged(0.15, description="platform B beyond the goal (m)")
    friction: float = ranged(0.8, spread=0.3, description="friction of every surface")


def climb_speed(radius: float, step: float) -> float:
    """Return the rolling speed a ball needs to climb a step (no slip about the edge).

    Angular momentum about the step's edge is kept through the impact; the ball then
    pivots about the edge and must lift its centre by ``step``.
    """
    kept = (1.4 * radius - step) / (1.4 * radius)  # share of the speed left after impact
    return math.sqrt(G * step / 0.7) / kept


class GapBridge(Family):
    name = "gap_bridge"
    description = (
        "A ball rests on one platform and the goal lies on another across a pit: place a "
        "plank over the gap, then push the ball across it."
    )
    Params = GapBridgeParams

    def layout(self, params: FamilyParams) -> Layout:
        p = (
            params
            if isinstance(params, GapBridgeParams)
            else GapBridgeParams.model_validate(params)
        )
        h, w, r = p.platform_height, p.width, p.ball_radius
        roll = CLIMB_SLACK * climb_speed(r, PLANK_T)
        speed = round(1.4 * roll, 3)  # a pushed ball slides, then rolls at 5/7 of its speed
        # A pushed ball leaving the edge must drop more than its diameter before the far
        # platform, so a push alone always ends in the pit.
        gap = max(p.gap, FLY_SLACK * speed * math.sqrt(2 * (2 * r + 0.02) / G))
        overlap = r + 0.03  # the ball is on the plank before its AABB reaches the pit
        margin = overlap + 0.02  # the build zone's reach onto each platform
        x_ball = -(margin + r + p.clearance)
        len_a = -x_ball + r + p.back
        x_goal = gap + p.goal_setback
        len_b = p.goal_setback + p.goal_length + p.tail

        x_min, x_max = -len_a - 0.1, gap + len_b + 0.1
        y_half = w / 2 + 0.2
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        platform_a = box_piece([len_a, w, h], [-len_a / 2, 0.0, h / 2])
        platform_b = box_piece([len_b, w, h], [gap + len_b / 2, 0.0, h / 2])
        plank_w = 0.7 * w
        plank = box_piece([gap + 2 * overlap, plank_w, PLANK_T], [gap / 2, 0.0, h + PLANK_T / 2])
        pit = zone([0.0, -w / 2 - 0.1, 0.0], [gap, w / 2 + 0.1, h - PIT_CLEARANCE])
        goal = zone([x_goal, -w / 2, h], [x_goal + p.goal_length, w / 2, h + 4 * r])
        colour = (0.7, 0.6, 0.45, 1)
        return Layout(
            task=(
                "Get the red ball across the pit into the green goal zone on the far platform "
                "without dropping it into the red pit: place parts in the blue build zone, "
                "then push the ball."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, h + 0.5]),
            build_zone=zone([-margin, -w / 2, h], [gap + margin, w / 2, h + 0.1]),
            goal_zone=goal,
            forbid_zones=[pit],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("platform_a", [platform_a], friction=p.friction, rgba=colour),
                self.part("platform_b", [platform_b], friction=p.friction, rgba=colour),
            ],
            moved_object=self.moved(
                "sphere", [r], [x_ball, 0.0, h + r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(
                push=PushSpace(max_speed=MAX_PUSH_SPEED),
                parts=PartSpace(
                    catalog=[
                        PartKind(
                            kind="plank",
                            size=[2 * v for v in plank.size],
                            friction=p.friction,
                            description="a thin board",
                        )
                    ]
                ),
            ),
            reference_solution=ReferenceSolution(
                parts=[Placement(kind="plank", position=plank.pose.pos)],
                push=PushAction(velocity=[speed, 0.0, 0.0]),
                description=(
                    f"Lay a {PLANK_T * 1000:.0f} mm plank across the gap on both platforms, "
                    f"then push the ball along +x at {speed} m/s."
                ),
            ),
            horizon_s=6.0,
        )


FAMILY = GapBridge
