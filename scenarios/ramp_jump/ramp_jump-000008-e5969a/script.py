"""ramp_jump: a closed bin on the floor; a ramp, pitched up in front of it, jumps a ball in.

A ball rests on the floor; ahead of it stands a bin walled on all four sides, its walls
taller than the ball, its back wall a high backboard. Rolling alone can never get the ball
in: every push, the one aimed at the bin's centre included, ends against a wall or rolls
away. The solver must place the ramp, a board tilted up towards the bin (orientation is
free: pitch, yaw and where, its low edge on the floor), and push the ball up it fast
enough to fly over the near wall; the backboard stops a fast ball and it drops in, and
contacts have no restitution, so it comes to rest in the bin. The layout is turned by a
random yaw and mirrored, and the build zone is the floor before the bin, several times
the ramp's footprint. The catalog also holds a short board and a block.

Why not every range is ±40 %: friction stays within ±30 % so that the pushed ball rolls
before it reaches the ramp; the bin's walls are at least 2.2 ball radii tall.
"""

from __future__ import annotations

import math
from typing import ClassVar

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.families.gap_bridge import ceil_mm
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

__all__ = ["FAMILY", "RampJump", "launch_speed"]

FLOOR_T = 0.05
GAP = 0.0005  # the ball starts 0.5 mm above the floor (a drop of at most 2 mm)
G = 9.81
MAX_PUSH_SPEED = 4.0  # m/s: the action space's push limit (the same for every scenario)
RAMP = (0.30, 0.16, 0.003)  # m: the ramp board's length, width and thickness
RAMP_LIFT = 0.0003  # m between the floor and the ramp's lowest edge in the reference
WALL_T = 0.02  # bin wall thickness
BACKBOARD = 0.3  # m the back wall rises above the other walls
CLEAR_SLACK = 1.5  # the reference's launch speed over the slowest that clears the near wall
SLIDE_SLACK = 1.2  # the run-up is long enough for a push this much faster than the guess
TOP_CLEAR = 0.015  # m the reference ramp's top stands above the bin's walls, at least


def launch_speed(dx: float, dz: float, pitch: float) -> float:
    """Return the speed that throws a point at ``pitch`` to ``dx`` ahead and ``dz`` below."""
    return math.sqrt(G * dx * dx / (2 * math.cos(pitch) ** 2 * (dz + dx * math.tan(pitch))))


class RampJumpParams(FamilyParams):
    ball_radius: float = ranged(0.025, description="radius of the ball (m)")
    ball_mass: float = ranged(0.1, description="mass of the ball (kg)")
    run_up: float = ranged(
        0.15, description="floor between the ball and the ramp (m); longer if the ball must roll"
    )
    ramp_deg: float = ranged(
        15.0, description="pitch of the reference's ramp (deg); raised to top the bin's walls"
    )
    clear: float = ranged(0.06, description="floor between the ramp's top and the bin (m)")
    wall_height: float = ranged(0.06, description="height of the bin's walls (m)")
    bin_length: float = ranged(0.30, description="inside length of the bin along x (m)")
    bin_width: float = ranged(0.35, description="inside width of the bin along y (m)")
    friction: float = ranged(0.7, spread=0.3, description="friction of every surface")


class RampJump(Family):
    name = "ramp_jump"
    description = (
        "A ball on the floor and a closed bin ahead: place a ramp, pitched up towards the "
        "bin, and push the ball up it so that it jumps the wall and lands in the bin."
    )
    Params = RampJumpParams
    push_search = PushSearch(speed_span=0.15, angle_span_deg=3.0, steps=5)
    narrow_ranges: ClassVar[dict[str, str]] = {
        "friction": "within ±30 % so that the pushed ball rolls before it reaches the ramp",
    }

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, RampJumpParams) else RampJumpParams.model_validate(params)
        r = p.ball_radius
        length, width, thick = RAMP
        wall_h = max(p.wall_height, 2.2 * r)
        # The reference's ramp tops the bin's walls by at least TOP_CLEAR.
        pitch_deg = max(p.ramp_deg, math.degrees(math.asin((wall_h + TOP_CLEAR) / length)))
        pitch = math.radians(pitch_deg)
        c, s = math.cos(pitch), math.sin(pitch)
        x_low = 0.0  # the ramp's lowest edge; the ball starts behind it
        # The board's centre, from its lowest edge (bottom face, low end) on the floor.
        centre = [
            x_low + length / 2 * c - thick / 2 * s,
            0.0,
            RAMP_LIFT + length / 2 * s + thick / 2 * c,
        ]
        top_x = x_low + length * c - thick * s  # the top face's high edge
        top_z = RAMP_LIFT + length * s + thick * c
        near = top_x + p.clear + WALL_T  # inside face of the near wall
        far = near + p.bin_length
        half_w = p.bin_width / 2
        launch = [top_x - r * s, top_z + r * c]  # the ball's centre as it leaves the ramp
        # The slowest throw that carries the ball's centre over the near wall's inner edge,
        # a ball radius above it; the reference throws faster by CLEAR_SLACK.
        dx = near + r - launch[0]
        v_top = CLEAR_SLACK * launch_speed(dx, max(launch[1] - (wall_h + r), 0.01), pitch)
        # A rolling ball keeps v² - 10/7 g Δz up a slope; the step onto the board's edge and
        # the turn onto the slope cost it a share (the push search absorbs the rest).
        on_ramp = math.sqrt(v_top**2 + 10 / 7 * G * (launch[1] - r))
        step = thick * c + RAMP_LIFT
        rolling = on_ramp / (c * (1.4 * r - step) / (1.4 * r))
        speed = round(1.4 * rolling, 3)  # a pushed ball slides, then rolls at 5/7 of its push
        # It must be rolling when it meets the ramp: engines part ways on a ball that meets
        # an edge still sliding. A pushed ball slides 12 v² / (49 μ g) before it rolls.
        slide = 12 * (SLIDE_SLACK * speed) ** 2 / (49 * p.friction * G)
        x_ball = x_low - r - max(p.run_up, slide + 0.03)

        walls = _bin(near, far, half_w, wall_h)
        x_min, x_max = -ceil_mm(r - x_ball + 0.3), ceil_mm(far + WALL_T + 0.3)  # see gap_bridge
        y_max = half_w + WALL_T + 0.4
        floor = box_piece(
            [x_max - x_min, 2 * y_max, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        zone_y = max(half_w + WALL_T, 0.3)
        catalog = [
            PartKind(kind="ramp", size=list(RAMP), friction=p.friction, description="a board"),
            PartKind(kind="board", size=[0.15, width, thick], friction=p.friction,
                     description="a short board"),
            PartKind(kind="block", size=[0.1, 0.1, 0.1], friction=p.friction,
                     description="a cube"),
        ]  # fmt: skip
        return Layout(
            task=(
                "Get the red ball into the green goal zone inside the closed bin: place parts "
                "in the blue build zone, then push the ball."
            ),
            workspace=box([x_min, -y_max, -FLOOR_T], [x_max, y_max, wall_h + BACKBOARD + 0.5]),
            build_zone=zone(
                [x_ball + r + 0.01, -zone_y, -0.001], [near - WALL_T - 0.005, zone_y, 0.3]
            ),
            goal_zone=zone([near, -half_w, 0.0], [far, half_w, wall_h]),
            forbid_zones=[],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("bin", walls, friction=p.friction, rgba=(0.45, 0.5, 0.6, 1)),
            ],
            moved_object=self.moved(
                "sphere", [r], [x_ball, 0.0, r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(
                push=PushSpace(max_speed=MAX_PUSH_SPEED),
                parts=PartSpace(catalog=catalog, orientation="free"),
            ),
            reference_solution=ReferenceSolution(
                parts=[Placement(kind="ramp", position=centre, rotation_deg=[0, -pitch_deg, 0])],
                push=PushAction(velocity=[speed, 0.0, 0.0]),
                description=(
                    "Lay the ramp on the floor in front of the bin, tilted up towards it, and "
                    "push the ball straight up the ramp: it flies over the near wall and drops "
                    "into the bin."
                ),
            ),
            horizon_s=3.0,
        )


def _bin(near: float, far: float, half_w: float, height: float) -> list:
    """Return the bin's four walls on the floor around ``[near, far] × [-half_w, half_w]``."""
    t = WALL_T
    back_h = height + BACKBOARD
    return [
        box_piece([t, 2 * half_w + 2 * t, height], [near - t / 2, 0.0, height / 2]),
        box_piece([t, 2 * half_w + 2 * t, back_h], [far + t / 2, 0.0, back_h / 2]),
        box_piece([far - near, t, height], [(near + far) / 2, half_w + t / 2, height / 2]),
        box_piece([far - near, t, height], [(near + far) / 2, -half_w - t / 2, height / 2]),
    ]


FAMILY = RampJump


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario ramp_jump-000008-e5969a, written by benchgen. Rebuild it on its own with
#     python script.py --seed 8 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 8
SCENARIO_PARAMS = {
    'ball_mass': 0.0836,
    'ball_radius': 0.0151,
    'bin_length': 0.343,
    'bin_width': 0.4692,
    'clear': 0.0429,
    'friction': 0.8819,
    'mirrored': True,
    'ramp_deg': 16.7803,
    'run_up': 0.1995,
    'wall_height': 0.0366,
    'yaw_deg': 169.2678,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
