"""funnel_drop: a ball flies off a ledge into the mouth of a covered chute and drops into a pen.

In front of the ledge runs a chute: a trough of box plates whose floor slopes down,
sideways to the push, from its open mouth to an exit at its low end, and whose lid covers
everything but the mouth. Under the exit stands a pen: the chute's walls carried down to
the pen's floor, so that the only way into the pen is down the chute. The ball has to fly
off the ledge into the mouth (far enough to clear the near wall, short enough to hit the
far wall below its top), then rolls down under the lid and drops into the pen, where it
stays. The pen, and so the goal, lies off to the side of the mouth: a push aimed at the goal
lands on the lid or misses the chute and falls, at any speed. There is no floor to roll
on under the chute (the issue's "roll under the hopper" shortcut): a ball that misses the
mouth falls out of the scene.
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "FunnelDrop"]

WALL_T = 0.015  # chute wall, lid and pen floor thickness
PLATE_T = 0.02  # chute floor thickness
GAP = 0.0005  # the ball starts 0.5 mm above the ledge (a drop of at most 2 mm)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
OVERLAP = 0.001  # m: pieces of one part overlap so that the part fuses into one solid


class FunnelParams(FamilyParams):
    ball_radius: float = ranged(0.035, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    setback: float = ranged(0.22, description="distance of the ball from the ledge edge (m)")
    ledge_width: float = ranged(0.30, description="width of the ledge along y (m)")
    drop: float = ranged(0.15, description="height of the ledge top above the chute's walls (m)")
    gap: float = ranged(
        0.10,
        description="distance from the ledge edge to the chute, beyond the ball's diameter (m)",
    )
    chute_slack: float = ranged(
        0.8, description="chute width inside beyond the ball's diameter (in diameters)"
    )
    mouth_slack: float = ranged(
        0.9, description="mouth length beyond the ball's diameter (in diameters)"
    )
    mouth_offset: float = ranged(
        0.10, description="sideways distance from the ball's line to the mouth's centre (m)"
    )
    chute_run: float = ranged(0.25, description="covered length of the chute, mouth to exit (m)")
    slope_deg: float = ranged(12.0, description="slope of the chute floor (deg)")
    rim_clearance: float = ranged(
        0.04, description="chute walls above a ball on the chute floor (m)"
    )
    backboard: float = ranged(0.035, description="far chute wall above the near one (m)")
    exit_slack: float = ranged(
        0.6, description="exit length beyond the ball's diameter (in diameters)"
    )
    exit_clearance: float = ranged(
        0.08, description="free height under the chute's exit, above a ball in the pen (m)"
    )
    friction: float = ranged(0.5, description="friction of every surface")


class FunnelDrop(Family):
    name = "funnel_drop"
    description = (
        "A ball rests on a ledge; a push must fly it into the mouth of a covered chute, off to "
        "the side of the goal, which carries it down into a closed pen under its exit."
    )
    Params = FunnelParams
    push_search = PushSearch(speed_span=0.15, angle_span_deg=8.0, steps=5)

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, FunnelParams) else FunnelParams.model_validate(params)
        r, t = p.ball_radius, WALL_T
        slope = math.radians(p.slope_deg)
        width = 2 * r * (1 + p.chute_slack)
        mouth = 2 * r * (1 + p.mouth_slack)
        exit_len = 2 * r * (1 + p.exit_slack)
        x_n = 2 * r + p.gap + t  # inside of the near wall: a ball dropping off the edge misses it
        x_f = x_n + width  # inside of the far wall
        y_top = p.mouth_offset + mouth / 2  # the chute's high end
        y_lid = p.mouth_offset - mouth / 2  # where the lid starts
        y_ex = y_lid - p.chute_run  # the chute floor's low end: the exit
        y_end = y_ex - exit_len  # the end wall's inside
        z_lo = 2 * r + p.exit_clearance
        z_hi = z_lo + (y_top - y_ex) * math.tan(slope)
        z_rim = z_hi + 2 * r + p.rim_clearance
        h = z_rim + p.drop
        base = -t  # the pen's floor is [base, 0]
        chute = _chute(
            xs=(x_n, x_f),
            ys=(y_end, y_ex, y_lid, y_top),
            zs=(base, z_lo, z_hi, z_rim),
            slope=slope,
            backboard=p.backboard,
            lip=2 * r,
        )
        ledge_len = p.setback + 0.12
        ledge = box_piece(
            [ledge_len, p.ledge_width, h - base], [-ledge_len / 2, 0.0, (h + base) / 2]
        )
        goal = zone([x_n, y_end, 0.0], [x_f, y_ex, min(z_lo, 3 * r)])
        x_c, y_m = (x_n + x_f) / 2, p.mouth_offset
        angle = math.atan2(y_m, x_c + p.setback)
        edge = (p.setback / math.cos(angle), x_c / math.cos(angle))  # to the edge, then flying
        v_edge = edge[1] / math.sqrt(2 * (h + r - z_rim) / G)
        speed = min(7 / 5 * v_edge, math.sqrt(v_edge**2 + 2 * p.friction * G * edge[0]))
        push = [round(speed * math.cos(angle), 4), round(speed * math.sin(angle), 4), 0.0]
        y_lo = min(y_end - t, -p.ledge_width / 2) - 0.15
        y_hi = max(y_top + t, p.ledge_width / 2) + 0.15
        return Layout(
            task=(
                "Push the red ball off the ledge into the mouth of the chute, so that it rolls "
                "down the chute and comes to rest in the pen (the green goal zone) under its exit."
            ),
            workspace=box([-ledge_len - 0.05, y_lo, base - 0.02], [x_f + t + 0.3, y_hi, h + 0.4]),
            build_zone=zone([-ledge_len, -p.ledge_width / 2, h], [0.0, p.ledge_width / 2, h + 0.2]),
            goal_zone=goal,
            forbid_zones=[],
            static_parts=[
                self.part("ledge", [ledge], friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)),
                self.part("chute", chute, friction=p.friction, rgba=(0.45, 0.55, 0.7, 1)),
            ],
            moved_object=self.moved(
                "sphere", [r], [-p.setback, 0.0, h + r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=push),
                description=(
                    "Push the ball toward the chute's mouth, fast enough to fly over the near "
                    "wall and slow enough to drop in before the far one."
                ),
            ),
            horizon_s=4.0,
        )


def _chute(
    *,
    xs: tuple[float, float],
    ys: tuple[float, float, float, float],
    zs: tuple[float, float, float, float],
    slope: float,
    backboard: float,
    lip: float,
) -> list[Piece]:
    """Return the chute's plates: walls, sloping floor, lid, and the pen under its exit.

    ``xs`` are the inside faces of the near and far walls; ``ys`` the end wall's inside,
    the exit (the floor's low end), the lid's edge at the mouth and the chute's high end;
    ``zs`` the pen floor's bottom, the chute floor's low and high ends and the walls' top.
    A lip of height ``lip`` stands on the lid along the mouth: a ball landing on the lid
    and rolling toward the mouth stops against it instead of dropping in.
    """
    (x_n, x_f), (y_end, y_ex, y_lid, y_top), (base, z_lo, z_hi, z_rim) = xs, ys, zs
    t, ov = WALL_T, OVERLAP
    y0, y1 = y_end - t, y_top + t  # the outside of the end walls
    x_mid, width = (x_n + x_f) / 2, x_f - x_n

    def wall(x0: float, x1: float, top: float) -> Piece:
        return box_piece(
            [x1 - x0, y1 - y0, top - base], [(x0 + x1) / 2, (y0 + y1) / 2, (top + base) / 2]
        )

    def cross(y_a: float, y_b: float, z_a: float, z_b: float) -> Piece:
        return box_piece(
            [width + 2 * ov, y_b - y_a, z_b - z_a], [x_mid, (y_a + y_b) / 2, (z_a + z_b) / 2]
        )

    run = (y_top - y_ex) / math.cos(slope)
    normal = (-math.sin(slope), math.cos(slope))  # of the chute floor, in (y, z)
    floor = box_piece(
        [width + 2 * ov, run, PLATE_T],
        [
            x_mid,
            (y_ex + y_top) / 2 + normal[0] * PLATE_T / 2 * -1,
            (z_lo + z_hi) / 2 - normal[1] * PLATE_T / 2,
        ],
        roll=math.degrees(slope),
    )
    return [
        wall(x_n - t, x_n, z_rim),
        wall(x_f, x_f + t, z_rim + backboard),
        cross(y_end - t, y_end, base, z_rim),  # end wall, beyond the exit
        cross(y_ex, y_ex + t, base, z_lo - ov),  # under the exit's edge: closes the pen
        cross(y_top, y_top + t, z_hi - PLATE_T, z_rim),  # high end wall
        floor,
        box_piece(
            [x_f - x_n + 2 * t, y_lid - y0, t], [x_mid, (y0 + y_lid) / 2, z_rim + t / 2]
        ),  # lid
        box_piece(
            [x_f - x_n + 2 * t, t, lip + ov],
            [x_mid, y_lid - t / 2, z_rim + t + (lip - ov) / 2],
        ),  # the lid's lip at the mouth
        cross(y_end - t, y_ex + t, base, 0.0),  # the pen's floor
    ]


FAMILY = FunnelDrop


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario funnel_drop-000008-b02851, written by benchgen. Rebuild it on its own with
#     python script.py --seed 8 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 8
SCENARIO_PARAMS = {
    'backboard': 0.0473,
    'ball_mass': 0.1458,
    'ball_radius': 0.0396,
    'chute_run': 0.1736,
    'chute_slack': 1.0874,
    'drop': 0.1212,
    'exit_clearance': 0.0699,
    'exit_slack': 0.7413,
    'friction': 0.6303,
    'gap': 0.0891,
    'ledge_width': 0.2853,
    'mirrored': False,
    'mouth_offset': 0.0819,
    'mouth_slack': 1.2275,
    'rim_clearance': 0.0464,
    'setback': 0.1856,
    'slope_deg': 16.3963,
    'yaw_deg': -107.7118,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
