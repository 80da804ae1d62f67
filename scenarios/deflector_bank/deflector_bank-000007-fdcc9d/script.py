"""deflector_bank: a walled bin hidden behind a shield wall; a deflector banks the ball in.

A ball rests on the floor. Ahead stands a shield wall, and behind it a bin of three walls
whose mouth faces back towards the ball. The shield hides the whole mouth from the ball,
and no straight push can reach it another way: every wall of the scene is square to the
line from the ball to the bin, and a contact without restitution only removes the part of
the ball's velocity square to the wall it meets, so a ball that passes the shield's end
always keeps moving away from that line. The solver must place the deflector, a wall
turned at an angle beyond the shield's end, and push the ball past the shield into it:
the ball rolls along the deflector's face, leaves it heading for the mouth and comes to
rest in the bin. The layout is turned by a random yaw and mirrored (which end of the
shield the shot passes), and the build zone covers the floor between the shield and the
bin on both sides, many times the deflector's footprint. The catalog also holds a short
wall too short to turn a rolling ball, a post and a block.

The walls, the deflector and the ball are slick (μ 0.05; a contact takes the larger of two
frictions, so the floor still rolls the ball): then MuJoCo and Godot bank the ball alike.
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.families.gap_bridge import PathFrame, bay_walls, ceil_mm, corners_xy
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

__all__ = ["FAMILY", "DeflectorBank"]

FLOOR_T = 0.05
GAP = 0.0005  # the ball starts 0.5 mm above the floor (a drop of at most 2 mm)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
SHIELD_T = 0.03  # m: thickness of the shield wall
DEFLECTOR = (0.40, 0.02, 0.06)  # m: the deflector wall's length, thickness and height
LEAD_IN = 0.45  # share of the deflector before the point where the ball meets it
REF_SPEED = 1.6  # m/s: the reference push; the bin stops any speed that gets there
SLICK = 0.05  # friction of the walls, the deflector and the ball (the floor's is the param's)


class DeflectorParams(FamilyParams):
    ball_radius: float = ranged(0.03, description="radius of the ball (m)")
    ball_mass: float = ranged(0.12, description="mass of the ball (kg)")
    shot_deg: float = ranged(
        24.0, description="angle of the reference shot past the shield's end (deg)"
    )
    return_deg: float = ranged(
        24.0, description="angle of the reference's path from the deflector to the bin (deg)"
    )
    shield_margin: float = ranged(
        0.05, description="shield beyond what hides the bin's mouth from the ball (m)"
    )
    wall_height: float = ranged(0.08, description="height of the shield and bin walls (m)")
    pass_clear: float = ranged(
        0.07, description="clearance of the reference shot at the shield's end (m)"
    )
    bin_length: float = ranged(0.22, description="inside length of the bin (m)")
    bin_width: float = ranged(0.32, description="inside width of the bin (m)")
    friction: float = ranged(0.3, description="friction of the floor (the walls are slick)")


class DeflectorBank(Family):
    name = "deflector_bank"
    description = (
        "A ball, a shield wall and a walled bin hidden behind it: place a deflector beyond "
        "the shield's end and bank the ball off it into the bin."
    )
    Params = DeflectorParams

    def layout(self, params: FamilyParams) -> Layout:
        p = (
            params
            if isinstance(params, DeflectorParams)
            else DeflectorParams.model_validate(params)
        )
        r, h = p.ball_radius, max(p.wall_height, 2.2 * p.ball_radius)
        length, thick, tall = DEFLECTOR
        half_bin = p.bin_width / 2
        alpha, beta = math.radians(p.shot_deg), math.radians(p.return_deg)
        # The bin's centre lies on the x axis, the ball at the origin, and the bin faces the
        # path it is entered by (return_deg below the axis). The shield is nearer the ball
        # than the mouth is, so this wide it hides the whole mouth by a ball radius.
        mouth_y = p.bin_length / 2 * math.sin(beta) + half_bin * math.cos(beta)
        ys = ceil_mm(mouth_y + r + p.shield_margin)  # solids cut to the mm (see gap_bridge)
        xs = (ys + r + p.pass_clear) / math.tan(alpha)  # the shot clears the shield's end
        # The reference shot meets the deflector just past the shield, then heads for the
        # bin's centre.
        hit_x = xs + SHIELD_T + LEAD_IN * length + 0.03
        hit = [hit_x, hit_x * math.tan(alpha)]
        centre_x = hit_x + hit[1] / math.tan(beta)
        into = PathFrame([centre_x, 0.0], -p.return_deg)
        mouth_at = into.point(-p.bin_length / 2)
        # The deflector lies along the path out. Its face (like every wall here) is slick:
        # engines part ways on a ball rubbing a wall as it banks (MuJoCo bends its path
        # further, Jolt leaves along the wall), by ~15° of the turn at μ 0.6; with slick
        # walls the paths leave within ±3° of the wall in both (trials over turns of 20-60°).
        wall = -p.return_deg
        # The deflector's face lies a ball radius from the ball's centre at the hit, on the
        # left of its heading; the ball meets it LEAD_IN of the way along.
        face_frame = PathFrame(hit, wall)
        centre = face_frame.point((0.5 - LEAD_IN) * length, r + thick / 2, tall / 2 + 0.003)

        walls, goal = bay_walls(
            PathFrame(mouth_at, -p.return_deg),
            mouth=0.0,
            length=p.bin_length,
            width=p.bin_width,
            base=0.0,
            height=h,
        )
        far_x = max(c[0] for w in walls for c in corners_xy(w))
        shield = box_piece([SHIELD_T, 2 * ys, h], [xs + SHIELD_T / 2, 0.0, h / 2])
        y_zone = max(hit[1] + 0.25, half_bin + 0.3)
        x_min, x_max = -ceil_mm(r + 0.4), ceil_mm(far_x + 0.4)
        y_max = ceil_mm(y_zone + 0.4)
        floor = box_piece(
            [x_max - x_min, 2 * y_max, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        catalog = [
            PartKind(kind="deflector", size=list(DEFLECTOR), friction=SLICK,
                     description="a wall"),
            PartKind(kind="short_wall", size=[0.08, thick, tall], friction=SLICK,
                     description="a short wall"),
            PartKind(kind="post", size=[0.03, 0.03, 0.08], friction=SLICK, max_count=2,
                     description="a thin post"),
            PartKind(kind="block", size=[0.1, 0.1, 0.06], friction=SLICK,
                     description="a block"),
        ]  # fmt: skip
        return Layout(
            task=(
                "Get the red ball into the green goal zone, a walled bin behind the grey "
                "shield wall: place parts in the blue build zone, then push the ball."
            ),
            workspace=box([x_min, -y_max, -FLOOR_T], [x_max, y_max, h + 0.5]),
            build_zone=zone(
                [xs + SHIELD_T + 0.005, -y_zone, -0.001], [mouth_at[0] - 0.02, y_zone, 0.15]
            ),
            goal_zone=goal,
            forbid_zones=[],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("shield", [shield], friction=SLICK, rgba=(0.5, 0.5, 0.52, 1)),
                self.part("bin", walls, friction=SLICK, rgba=(0.45, 0.5, 0.6, 1)),
            ],
            moved_object=self.moved(
                "sphere", [r], [0.0, 0.0, r + GAP], mass=p.ball_mass, friction=SLICK
            ),
            action_space=ActionSpace(
                push=PushSpace(max_speed=MAX_PUSH_SPEED), parts=PartSpace(catalog=catalog)
            ),
            reference_solution=ReferenceSolution(
                parts=[
                    Placement(
                        kind="deflector",
                        position=centre,
                        rotation_deg=[0, 0, round(wall, 4)],
                    )
                ],
                push=PushAction(
                    velocity=[REF_SPEED * math.cos(alpha), REF_SPEED * math.sin(alpha), 0.0]
                ),
                description=(
                    "Stand the deflector beyond one end of the shield, angled towards the "
                    "bin's mouth, and push the ball past that end into it: the ball rolls "
                    "along the deflector and leaves it for the bin."
                ),
            ),
            horizon_s=6.0,
        )


FAMILY = DeflectorBank


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario deflector_bank-000007-fdcc9d, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'ball_mass': 0.154,
    'ball_radius': 0.0286,
    'bin_length': 0.2564,
    'bin_width': 0.3756,
    'friction': 0.4139,
    'mirrored': False,
    'pass_clear': 0.066,
    'return_deg': 26.0532,
    'shield_margin': 0.0358,
    'shot_deg': 31.0145,
    'wall_height': 0.1084,
    'yaw_deg': -115.1984,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
