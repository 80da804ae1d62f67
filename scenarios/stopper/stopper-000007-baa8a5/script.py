"""stopper: a launched cube slides off a slippery table unless a stopper holds it in the goal.

A cube rests on a low-friction table. The push is a launcher's: its speed has a floor
(``min_speed``), and at that floor the cube slides farther than the table's farthest
corner, so every push alone, the one aimed at the goal included, slides it through the
goal and over an edge onto the forbidden floor. The solver must place the stopper block on
the cube's path, its face square to the path just beyond the goal, so the cube strikes it
and stops inside the goal (contacts have no restitution), then launch the cube at it.
The goal lies off the table's axis, the layout is turned by a random yaw and mirrored,
and the build zone is the whole table top (many times the stopper's footprint), so the
stopper's place and yaw are decisions. The catalog also holds posts and a thin slab.

Why not every range is ±40 %: friction is capped, when the table is large, so that the
slowest launch still slides past the table's farthest corner.
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.families.gap_bridge import ceil_mm
from benchgen.spec.models import (
    ActionSpace,
    PartKind,
    PartSpace,
    Placement,
    PushAction,
    PushSpace,
    ReferenceSolution,
    Zone,
)
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "Stopper"]

FLOOR_T = 0.05
GAP = 0.0005  # the cube starts 0.5 mm above the table (a drop of at most 2 mm)
G = 9.81
MIN_PUSH_SPEED = 1.8  # m/s: the launcher's floor (the same for every scenario)
MAX_PUSH_SPEED = 2.6  # m/s: its ceiling
REF_SPEED = 1.12 * MIN_PUSH_SPEED  # the reference launch: its ±5 % jitter stays in range
STOPPER = (0.04, 0.20, 0.07)  # m: thickness along the path, width across it, height
LIFT = 0.004  # m the reference stopper floats above the table: its ±5 % height jitter
# (±3.5 mm) then never sinks it more than the 1 mm a placement may
SLIDE_MARGIN = 0.12  # m the slowest launch slides beyond the farthest table corner
PIT_CLEAR = 0.04  # m between the table's edge and the forbidden floor
PIT_REACH = 0.7  # m the forbidden floor reaches out from the table


class StopperParams(FamilyParams):
    table_height: float = ranged(0.30, description="height of the table top (m)")
    cube_side: float = ranged(0.06, description="side of the cube (m)")
    cube_mass: float = ranged(0.30, description="mass of the cube (kg)")
    back: float = ranged(0.08, description="table behind the cube (m)")
    goal_distance: float = ranged(0.40, description="distance from the cube to the goal (m)")
    goal_bearing_deg: float = ranged(
        20.0, description="angle between the table's axis and the line to the goal (deg)"
    )
    goal_size: float = ranged(
        0.09, description="side of the square goal zone beyond the cube's side (m)"
    )
    beyond: float = ranged(0.12, description="table beyond the goal's far edge (m)")
    side: float = ranged(0.15, description="table beside the goal's outer edge (m)")
    friction: float = ranged(
        0.14, description="friction of table and cube (capped so every launch slides off)"
    )


class Stopper(Family):
    name = "stopper"
    description = (
        "A cube on a slippery table is launched too fast to stop in the goal: place a "
        "stopper block beyond the goal, square to the cube's path, so it stops there."
    )
    Params = StopperParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, StopperParams) else StopperParams.model_validate(params)
        h, s = p.table_height, p.cube_side
        bearing = math.radians(p.goal_bearing_deg)
        ux, uy = math.cos(bearing), math.sin(bearing)
        gx, gy = p.goal_distance * ux, p.goal_distance * uy
        half = (s + p.goal_size) / 2
        ahead = ceil_mm(gx + half + p.beyond)  # solids cut to the mm (see gap_bridge)
        half_w = ceil_mm(abs(gy) + half + p.side)
        back = ceil_mm(p.back + s / 2)
        far = math.hypot(max(ahead, back), half_w)
        # The slowest launch must slide past the farthest corner: v² / (2 μ g) > far + margin.
        mu = min(p.friction, MIN_PUSH_SPEED**2 / (2 * G * (far + s + SLIDE_MARGIN)))
        mu = round(mu, 4)
        thick, _, tall = STOPPER
        reach = p.goal_distance + s / 2 + thick / 2 + 0.002
        stopper_at = [reach * ux, reach * uy, h + tall / 2 + LIFT]

        table = box_piece([ahead + back, 2 * half_w, h], [(ahead - back) / 2, 0.0, h / 2])
        x0, x1, y1 = -back - PIT_CLEAR, ahead + PIT_CLEAR, half_w + PIT_CLEAR
        pits = _ring(x0, x1, y1, reach=PIT_REACH, top=h - 0.05)
        x_min, x_max = x0 - PIT_REACH - 0.1, x1 + PIT_REACH + 0.1
        y_max = y1 + PIT_REACH + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_max, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        catalog = [
            PartKind(kind="stopper", size=list(STOPPER), friction=mu, description="a block"),
            PartKind(kind="post", size=[0.03, 0.03, 0.10], friction=mu, max_count=2,
                     description="a thin post"),
            PartKind(kind="slab", size=[0.20, 0.20, 0.01], friction=mu,
                     description="a thin square slab"),
        ]  # fmt: skip
        return Layout(
            task=(
                "Launch the red cube so that it comes to rest in the green goal zone on the "
                "slippery table, without sliding off onto the red floor zones: place parts "
                "in the blue build zone first."
            ),
            workspace=box([x_min, -y_max, -FLOOR_T], [x_max, y_max, h + 0.5]),
            build_zone=zone([-back, -half_w, h - 0.002], [ahead, half_w, h + 0.12]),
            goal_zone=zone([gx - half, gy - half, h], [gx + half, gy + half, h + 2 * s]),
            forbid_zones=pits,
            static_parts=[
                self.part("floor", [floor], friction=mu, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("table", [table], friction=mu, rgba=(0.75, 0.8, 0.85, 1)),
            ],
            moved_object=self.moved(
                "box", [s / 2] * 3, [0.0, 0.0, h + s / 2 + GAP], mass=p.cube_mass, friction=mu
            ),
            action_space=ActionSpace(
                push=PushSpace(min_speed=MIN_PUSH_SPEED, max_speed=MAX_PUSH_SPEED),
                parts=PartSpace(catalog=catalog),
            ),
            reference_solution=ReferenceSolution(
                parts=[
                    Placement(
                        kind="stopper", position=stopper_at, rotation_deg=[0, 0, p.goal_bearing_deg]
                    )
                ],
                push=PushAction(velocity=[REF_SPEED * ux, REF_SPEED * uy, 0.0]),
                description=(
                    "Stand the stopper just beyond the goal, square to the line from the cube "
                    "to the goal's centre, then launch the cube along that line at the "
                    "slowest speeds: it strikes the stopper and stays in the goal."
                ),
            ),
            horizon_s=4.0,
        )


def _ring(x0: float, x1: float, y1: float, *, reach: float, top: float) -> list[Zone]:
    """Return four floor zones around the rectangle ``[x0, x1] × [-y1, y1]``, ``reach`` wide."""
    return [
        zone([x0 - reach, y1, 0.0], [x1 + reach, y1 + reach, top]),
        zone([x0 - reach, -y1 - reach, 0.0], [x1 + reach, -y1, top]),
        zone([x1, -y1, 0.0], [x1 + reach, y1, top]),
        zone([x0 - reach, -y1, 0.0], [x0, y1, top]),
    ]


FAMILY = Stopper


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario stopper-000007-baa8a5, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'back': 0.0717,
    'beyond': 0.1099,
    'cube_mass': 0.2098,
    'cube_side': 0.0653,
    'friction': 0.1717,
    'goal_bearing_deg': 20.2169,
    'goal_distance': 0.3019,
    'goal_size': 0.0895,
    'mirrored': False,
    'side': 0.1557,
    'table_height': 0.2544,
    'yaw_deg': -21.9159,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
