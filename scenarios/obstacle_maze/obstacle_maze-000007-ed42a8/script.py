"""obstacle_maze: a bank shot: only a ball running along the cushion gets into the pocket.

The goal is a pocket in the floor (a hole built from box pieces) at the bottom of a
channel: a long cushion wall on one side, a shorter rail on the other, open toward the
ball's side. The rail hides the pocket: every straight line from the ball to the pocket
meets the rail's outside first, and the line from the ball through the channel's mouth
meets the cushion before the pocket. The ball has to be sent at the cushion, above the
rail's end: nothing bounces (no restitution, in MuJoCo as in Godot), so the cushion stops
the ball's motion across it and the ball rolls on along the cushion, into the channel and
over the pocket, and drops in if it is slow enough (a fast ball hops the pocket's far rim
and rolls off the floor). A push aimed at the pocket runs along the rail's outside and
off the floor at any speed; a push steeper than the cushion's start misses it.

``window_deg``, the spread of directions between the rail's end (with the ball clear of it)
and the cushion's start, is small (4.5° ± 40 %): the pocket catches a wide range of speeds,
so the directions that succeed are what a fixed push has to hit, and they span a few
degrees more than the window (a ball grazing either end still gets in), which holds the
±0.05 rad jitter of the reference. The reference rolls along the cushion at a fixed
multiple of sqrt(g r), since a smaller ball hops the pocket at a lower speed.
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "ObstacleMaze"]

GAP = 0.0005  # the ball starts 0.5 mm above the floor (a drop of at most 2 mm)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
WALL_T = 0.03  # thickness of the cushion and the rail
OVERLAP = 0.001  # m: pieces of one part overlap so that the part fuses into one solid
DEPTH = 1.0  # pocket depth over ball radius
CLEAR = 0.01  # m between the ball and the rail's end on the first line past it
G = 9.81
#: The reference rolls along the cushion at about this many sqrt(g r): the speed at which a
#: ball hops a pocket grows with its size, so a fixed speed would sit near the hop for a
#: small ball (and past it in Godot, whose 60 Hz ticks let a ball sink less on the way).
BANK_FROUDE = 1.23
#: The share of the rolling speed along the cushion that the ball keeps after meeting it
#: (what the rolling contact and the cushion's friction leave; the search refines it).
BANK_KEEP = 0.8


class MazeParams(FamilyParams):
    ball_radius: float = ranged(0.035, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    rail_offset: float = ranged(
        0.25, description="sideways distance from the ball to the rail's outside face (m)"
    )
    mouth_distance: float = ranged(
        0.55, description="distance along the cushion from the ball to the channel's mouth (m)"
    )
    channel_slack: float = ranged(
        0.6, description="channel width beyond the ball's diameter (in diameters)"
    )
    window_deg: float = ranged(
        4.5,
        description="directions between the rail's end and the cushion's start (deg)",
    )
    pocket_run: float = ranged(
        0.10,
        description="channel before the pocket, past where any entering ball meets the cushion (m)",
    )
    pocket_slack: float = ranged(
        0.2, description="pocket length along the channel beyond the ball's diameter (in diameters)"
    )
    wall_height: float = ranged(0.08, description="height of the walls above the ball's top (m)")
    margin: float = ranged(0.15, description="floor around the scene (m)")
    friction: float = ranged(0.5, description="friction of every surface")


class ObstacleMaze(Family):
    name = "obstacle_maze"
    description = (
        "A rail hides a pocket in the floor from the ball; one push must bank the ball off a "
        "cushion past the rail's end, so that it rolls along the cushion into the pocket."
    )
    Params = MazeParams
    push_search = PushSearch(speed_span=0.2, angle_span_deg=5.0, steps=5)

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, MazeParams) else MazeParams.model_validate(params)
        r, x_m = p.ball_radius, p.mouth_distance
        a = (1 + p.pocket_slack) * r  # half the pocket's length along the channel
        w = 2 * r * (1 + p.channel_slack)  # the channel's width
        y_c = p.rail_offset + WALL_T + w  # the cushion's face
        depth = DEPTH * r
        height = 2 * r + p.wall_height
        lane = y_c - r  # the ball's centre rolling along the cushion
        y_rail = y_c - w  # the rail's face inside the channel
        # The first direction past the rail's end, with the ball clear of its corner.
        corner = (x_m, y_rail)
        past = math.atan2(corner[1], corner[0]) + math.asin((r + CLEAR) / math.hypot(*corner))
        window = math.radians(p.window_deg)
        x_c0 = lane / math.tan(min(past + window, math.radians(80.0)))
        # Every line entering the mouth meets the cushion by x_meet; the pocket lies beyond,
        # and far enough that the line from the ball to its centre passes under the rail.
        x_meet = lane / math.tan(past)
        x_hidden = x_m * (y_c - w / 2) / (p.rail_offset - r - CLEAR)
        x_p = max(x_meet + p.pocket_run, x_hidden) + a
        x_end = x_p + a + 0.1
        x_min, x_max = -r - p.margin, x_end + p.margin
        y_min, y_max = -r - p.margin, y_c + WALL_T
        floor = _floor_with_pocket((x_min, x_max), (y_min, y_max), (x_p, y_c), (a, w), depth)
        cushion = box_piece(
            [x_end - x_c0, WALL_T, height], [(x_c0 + x_end) / 2, y_c + WALL_T / 2, height / 2]
        )
        rail = box_piece(
            [x_end - x_m, WALL_T, height], [(x_m + x_end) / 2, y_rail - WALL_T / 2, height / 2]
        )
        angle = past + window / 2
        bank = BANK_FROUDE * math.sqrt(G * r)
        speed = 7 / 5 * bank / (BANK_KEEP * math.cos(angle))
        push = [round(speed * math.cos(angle), 4), round(speed * math.sin(angle), 4), 0.0]
        return Layout(
            task=(
                "Push the red ball so that it comes to rest in the pocket (the green goal zone) "
                "at the bottom of the channel, which the rail hides from it."
            ),
            workspace=box([x_min, y_min, -depth - 0.04], [x_max, y_max, height + 0.3]),
            build_zone=zone([x_min, y_min, 0.0], [x_c0, y_c, height]),
            goal_zone=zone([x_p - a, y_rail, -depth], [x_p + a, y_c, 0.3 * r]),
            forbid_zones=[],
            static_parts=[
                self.part("floor", floor, friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("cushion", [cushion], friction=p.friction, rgba=(0.3, 0.5, 0.35, 1)),
                self.part("rail", [rail], friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)),
            ],
            moved_object=self.moved(
                "sphere", [r], [0.0, 0.0, r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=push),
                description=(
                    "Push the ball at the cushion, just past the rail's end: it rolls on along "
                    "the cushion into the channel and drops into the pocket."
                ),
            ),
            horizon_s=2.2,
        )


def _floor_with_pocket(
    xs: tuple[float, float],
    ys: tuple[float, float],
    corner: tuple[float, float],
    size: tuple[float, float],
    depth: float,
) -> list[Piece]:
    """Return the floor with a hole across the channel, ``2a`` along it and ``w`` wide.

    ``corner`` is the hole's centre along x and the cushion's face y; the hole spans
    ``y_c - w .. y_c``, so the cushion's and the rail's faces run on straight down its sides.
    """
    (x_min, x_max), (y_min, y_max), (x_p, y_c), (a, w) = xs, ys, corner, size
    t, ov = depth, OVERLAP

    def slab(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> Piece:
        return box_piece([x1 - x0, y1 - y0, z1 - z0], [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2])

    # Only the top faces share a plane: overlapping pieces whose other faces nearly coincide
    # make OCC's fuse fail for some turns of the layout, so their bottoms are staggered, the
    # slabs beside the hole stop 2 mm short of the floor's edges, and the pocket's bottom
    # reaches well under the slabs around it.
    return [
        slab(x_min, x_p - a + ov, y_min, y_max, -t - 0.006, 0.0),
        slab(x_p + a - ov, x_max, y_min, y_max, -t - 0.006, 0.0),
        slab(x_p - a, x_p + a, y_min + 0.002, y_c - w + ov, -t - 0.003, 0.0),
        slab(x_p - a, x_p + a, y_c - ov, y_max - 0.002, -t - 0.003, 0.0),
        slab(x_p - a - 0.01, x_p + a + 0.01, y_c - w - 0.01, y_c + 0.01, -t - 0.012, -t),
    ]


FAMILY = ObstacleMaze


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario obstacle_maze-000007-ed42a8, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'ball_mass': 0.145,
    'ball_radius': 0.0382,
    'channel_slack': 0.7701,
    'friction': 0.3762,
    'margin': 0.1536,
    'mirrored': False,
    'mouth_distance': 0.5876,
    'pocket_run': 0.1341,
    'pocket_slack': 0.2127,
    'rail_offset': 0.1839,
    'wall_height': 0.0686,
    'window_deg': 4.137,
    'yaw_deg': -44.9786,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
