"""two_plank_bridge: a pit too wide for one plank, a pier in it, a walled bay beyond.

The ball rests on platform A; across a pit stands a pier, and beyond it platform B with a
bay (three low walls) whose mouth faces the ball along a skewed line. Each half of the pit
is wider than the longest jump a push at the top speed can make, and the one plank kind
of the catalog is shorter than the whole pit: the solver must lay two planks, one from
platform A onto the pier and one from the pier onto platform B, both on the line from the
ball to the bay and at its yaw, and push the ball along that line fast enough to climb
both planks' 8 mm edges. The bay's back wall stops it (contacts have no restitution). The
build zone spans the whole pit, several times the planks' footprint, and the layout is
turned by a random yaw and mirrored. The catalog also holds a short board and a block.

Why not every range is ±40 %: each half of the pit is widened when needed to stay
un-jumpable at the top speed (so its low end is clamped); friction stays within ±30 %
so that a pushed ball starts rolling before it reaches the first plank.
"""

from __future__ import annotations

import math
from typing import ClassVar

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.families.gap_bridge import (
    FLY_SLACK,
    PathFrame,
    bay_walls,
    ceil_mm,
    climb_speed,
    corners_xy,
    jump_reach,
)
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

__all__ = ["FAMILY", "TwoPlankBridge"]

FLOOR_T = 0.05
PLANK_T = 0.004  # thin: a step the ball climbs twice, losing little speed and heading
GAP = 0.0005  # the ball starts 0.5 mm above its support (a drop of at most 2 mm)
CLIMB_SLACK = 2.4  # rolling speed over the speed that just climbs a plank's step: fast,
# so that the four steps cost little of the speed along the path (and so bend it little)
MAX_PUSH_SPEED = 1.5  # m/s: the action space's push limit (the same for every scenario)
PIT_CLEARANCE = 0.045  # the pit's forbid zone stops this far below the platform tops
PLANK_WIDTH = 0.24  # m: wide enough for the ±5 % jitter over the long crossing
PLANK_SPACING = 0.08  # m between the two planks' ends on the pier (their jitter never meets)
ZONE_REACH = 0.22  # m: how far the build zone reaches onto each platform
MOUTH_CLEAR = 0.05  # m between the far plank's end and the bay's mouth, at least


class TwoPlankParams(FamilyParams):
    platform_height: float = ranged(0.18, description="height of platforms and pier (m)")
    gap_near: float = ranged(
        0.32, description="pit between platform A and the pier along x (m); widened if jumpable"
    )
    gap_far: float = ranged(
        0.32, description="pit between the pier and platform B along x (m); widened if jumpable"
    )
    pier_extra: float = ranged(0.06, description="pier top beyond what two planks need (m)")
    skew_deg: float = ranged(
        20.0, description="angle between the ball-to-bay line and the pit's crossing (deg)"
    )
    ball_radius: float = ranged(0.04, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    run_up: float = ranged(
        0.08, description="platform between the ball and what a bridge needs of platform A (m)"
    )
    goal_setback: float = ranged(
        0.08, description="platform between what a bridge needs of platform B and the bay (m)"
    )
    goal_length: float = ranged(0.16, description="inside length of the bay (m)")
    goal_width: float = ranged(
        0.34, description="inside width of the bay beyond the ball's diameter (m)"
    )
    friction: float = ranged(0.8, spread=0.3, description="friction of every surface")


class TwoPlankBridge(Family):
    name = "two_plank_bridge"
    description = (
        "A ball, a pit too wide for one plank with a pier in it, and a walled bay beyond: "
        "lay two planks in line over the pier, then push the ball along them."
    )
    Params = TwoPlankParams
    push_search = PushSearch(speed_span=0.2, angle_span_deg=3.0, steps=5)
    narrow_ranges: ClassVar[dict[str, str]] = {
        "friction": "within ±30 % so that a pushed ball rolls before it reaches the first plank",
    }

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, TwoPlankParams) else TwoPlankParams.model_validate(params)
        h, r = p.platform_height, p.ball_radius
        speed = round(1.4 * CLIMB_SLACK * climb_speed(r, PLANK_T), 3)
        least = FLY_SLACK * jump_reach(r, MAX_PUSH_SPEED)
        g1, g2 = ceil_mm(max(p.gap_near, least)), ceil_mm(max(p.gap_far, least))
        cos = math.cos(math.radians(p.skew_deg))
        overlap = r + 0.06  # plank on each support, along the plank: the ball is on it first
        pier_len = ceil_mm(2 * overlap * cos + PLANK_SPACING + p.pier_extra)  # along x
        pier_x = g1 + pier_len / 2
        pit = g1 + pier_len + g2
        # The path crosses the pier's middle at y = 0.
        frame = PathFrame([pier_x, 0.0], p.skew_deg)
        half_pier = pier_len / 2 / cos  # path length from the pier's middle to its edge
        plank_len = max(g1, g2) / cos + 2 * overlap
        # Each plank reaches `overlap` onto the pier; what it has beyond its half of the pit
        # lies on its platform, so the ball's run-up and the bay's mouth start past it.
        on_pier = half_pier - overlap
        planks = [frame.point(-on_pier - plank_len / 2), frame.point(on_pier + plank_len / 2)]
        reach = on_pier + plank_len
        start = -(reach + (r + p.run_up) / cos)
        mouth = reach + (MOUTH_CLEAR + p.goal_setback) / cos
        inside = p.goal_width + 2 * r
        walls, goal = bay_walls(
            frame, mouth=mouth, length=p.goal_length, width=inside, base=h, height=2 * r
        )
        ball = frame.point(start, 0.0, h + r + GAP)

        z = h + PLANK_T / 2
        plank_pieces = [
            box_piece([plank_len, PLANK_WIDTH, PLANK_T], at, yaw=p.skew_deg) for at in planks
        ]
        plank_x = [c[0] for piece in plank_pieces for c in corners_xy(piece)]
        slack = 0.05 * plank_len + 0.03  # the planks' ±5 % jitter stays inside the zone
        zone_lo = min(-ZONE_REACH, min(plank_x) - slack)
        zone_hi = max(pit + ZONE_REACH, max(plank_x) + slack)
        corners = [c for w in walls for c in corners_xy(w)]
        y_half = ceil_mm(max(max(abs(c[1]) for c in corners), abs(ball[1]) + r, 0.3) + 0.05)
        len_a = ceil_mm(-ball[0] + r + 0.1)  # solids cut to the mm (see gap_bridge)
        len_b = ceil_mm(max(c[0] for c in corners) - pit + 0.08)
        x_min, x_max = -len_a - 0.1, pit + len_b + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_half + 0.2, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        pier_w = ceil_mm(PLANK_WIDTH / cos + pier_len * math.tan(math.radians(p.skew_deg)) + 0.12)
        colour = (0.7, 0.6, 0.45, 1)
        statics = [
            self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
            self.part(
                "platform_a",
                [box_piece([len_a, 2 * y_half, h], [-len_a / 2, 0.0, h / 2])],
                friction=p.friction,
                rgba=colour,
            ),
            self.part(
                "pier",
                [box_piece([pier_len, pier_w, h], [pier_x, 0.0, h / 2])],
                friction=p.friction,
                rgba=colour,
            ),
            self.part(
                "platform_b",
                [box_piece([len_b, 2 * y_half, h], [pit + len_b / 2, 0.0, h / 2])],
                friction=p.friction,
                rgba=colour,
            ),
            self.part("bay", walls, friction=p.friction, rgba=(0.45, 0.5, 0.6, 1)),
        ]
        catalog = [
            PartKind(kind="plank", size=[plank_len, PLANK_WIDTH, PLANK_T], friction=p.friction,
                     max_count=2, description="a thin board"),
            PartKind(kind="board", size=[0.5 * min(g1, g2), PLANK_WIDTH, PLANK_T],
                     friction=p.friction, description="a short thin board"),
            PartKind(kind="block", size=[0.08, 0.08, 0.08], friction=p.friction,
                     description="a cube"),
        ]  # fmt: skip
        return Layout(
            task=(
                "Get the red ball across the pit, over the pier, into the green goal zone, a "
                "walled bay on the far platform, without dropping it into the red pit: place "
                "parts in the blue build zone, then push the ball."
            ),
            workspace=box([x_min, -y_half - 0.1, -FLOOR_T], [x_max, y_half + 0.1, h + 0.5]),
            build_zone=zone([zone_lo, -y_half, h - 0.01], [zone_hi, y_half, h + 0.08]),
            goal_zone=goal,
            forbid_zones=[zone([0.0, -y_half - 0.1, 0.0], [pit, y_half + 0.1, h - PIT_CLEARANCE])],
            static_parts=statics,
            moved_object=self.moved("sphere", [r], ball, mass=p.ball_mass, friction=p.friction),
            action_space=ActionSpace(
                push=PushSpace(max_speed=MAX_PUSH_SPEED), parts=PartSpace(catalog=catalog)
            ),
            reference_solution=ReferenceSolution(
                parts=[
                    Placement(kind="plank", position=[x, y, z], rotation_deg=[0, 0, p.skew_deg])
                    for x, y, _ in planks
                ],
                push=PushAction(velocity=frame.direction(speed)),
                description=(
                    "Lay one plank from the near platform onto the pier and one from the pier "
                    "onto the far platform, in line with the ball and the bay, then push the "
                    "ball along that line: it climbs both planks and stops against the bay's "
                    "back wall."
                ),
            ),
            horizon_s=7.0,
        )


FAMILY = TwoPlankBridge


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario two_plank_bridge-000007-0354d0, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'ball_mass': 0.1639,
    'ball_radius': 0.0243,
    'friction': 0.7144,
    'gap_far': 0.3913,
    'gap_near': 0.2505,
    'goal_length': 0.2217,
    'goal_setback': 0.0594,
    'goal_width': 0.391,
    'mirrored': False,
    'pier_extra': 0.0515,
    'platform_height': 0.1281,
    'run_up': 0.0757,
    'skew_deg': 16.5818,
    'yaw_deg': -91.3644,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
