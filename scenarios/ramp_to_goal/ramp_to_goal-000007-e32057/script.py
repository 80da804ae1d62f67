"""ramp_to_goal: a ball rolls off a shelf down a ramp that bends its path around a post.

The ball rests on a narrow shelf at the top of a wide ramp; beyond the ramp's foot, a
pocket (a hole in the floor built from box pieces, walled on three sides and open toward
the ramp) lies far to the side. Rolling down, the ball gains speed along the ramp's fall
line but keeps its sideways speed, so its path bends toward the fall line: to reach the
pocket it has to leave the shelf heading far out to the side, and its path bulges outward
of the straight line from the start to the pocket. A post stands on that straight line: a
push aimed at the pocket hits the post when it is fast (its path barely bends), and bends
inside the post and short of the pocket's side when it is slow. The pocket's walls stop
the ball over the hole whatever its speed, so it comes to rest in the pocket; a ball that
skims in from the side runs along a wall's outside, and a ball that misses rolls off the
floor's edge. The shelf is narrow so that a slow push cannot roll the ball along it to the
side and then straight down the ramp.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "RampToGoal", "roll_path"]

FLOOR_T = 0.05
PLANK_T = 0.03  # ramp thickness
WALL_T = 0.02  # backstop thickness
GAP = 0.0005  # the ball starts 0.5 mm above the shelf (a drop of at most 2 mm)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
OVERLAP = 0.001  # m: pieces of one part overlap so that the part fuses into one solid
EDGE = 0.12  # m of shelf, ramp and floor beyond the reference path, sideways
POST_T = 0.04  # thickness of the post along the straight line to the pocket
POST_INNER = 0.05  # m of post inside the straight line to the pocket
POST_CLEAR = 0.02  # m between the reference path (the ball's side) and the post


class RampParams(FamilyParams):
    slope_deg: float = ranged(14.0, description="slope of the ramp (deg)")
    ramp_run: float = ranged(0.50, description="length of the ramp along x, in plan (m)")
    shelf_length: float = ranged(0.25, description="length of the shelf behind its edge (m)")
    shelf_width: float = ranged(
        0.30, description="width of the shelf, centred on the ball (m; widened to fit the path)"
    )
    ball_radius: float = ranged(0.04, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    setback: float = ranged(0.08, description="distance of the ball from the shelf edge (m)")
    pocket_distance: float = ranged(
        0.45, description="distance along x from the ramp's foot to the pocket's centre (m)"
    )
    pocket_side: float = ranged(
        0.70, description="sideways distance from the ball's start to the pocket's centre (m)"
    )
    pocket_slack: float = ranged(
        1.2, description="pocket side beyond the ball's diameter (in diameters)"
    )
    roll_in: float = ranged(
        0.35, description="the reference's speed toward the ramp as it leaves the shelf (m/s)"
    )
    friction: float = ranged(0.6, description="friction of every surface")


def roll_path(
    along: float, across: float, *, setback: float, run: float, slope: float, x_end: float
) -> list[tuple[float, float]]:
    """Return points of a rolling ball's path in plan, from the start to ``x = x_end``.

    The ball starts at ``(-setback, 0)`` rolling at ``(along, across)`` m/s (a push rolls a
    ball at 5/7 of its speed once friction has spun it up). The shelf ends at ``x = 0``;
    on the ramp, down to ``x = run``, rolling adds ``5/7 g sin θ cos θ`` to the speed along
    x; on the floor the path is straight. The sideways speed never changes.
    """
    acc = 5 / 7 * G * math.sin(slope) * math.cos(slope)
    points = [(-setback, 0.0), (0.0, across * setback / along)]
    y0 = points[-1][1]
    t_ramp = (-along + math.sqrt(along * along + 2 * acc * run)) / acc
    for k in range(1, 21):
        t = t_ramp * k / 20
        points.append((along * t + acc * t * t / 2, y0 + across * t))
    x_f, y_f = points[-1]
    v_foot = along + acc * t_ramp
    for k in range(1, 21):
        x = x_f + (x_end - x_f) * k / 20
        points.append((x, y_f + across * (x - x_f) / v_foot))
    return points


def _aim(p: RampParams, slope: float, target: tuple[float, float]) -> tuple[float, float]:
    """Return the rolling velocity ``(along, across)`` whose path passes over ``target``.

    The speed toward the ramp is the family's ``roll_in``; the path is a straight line
    with slope ``across / along`` on the shelf and on the floor, so the sideways speed
    that reaches the target's side is found by bisection.
    """
    lo, hi = 0.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        path = roll_path(
            p.roll_in, mid, setback=p.setback, run=p.ramp_run, slope=slope, x_end=target[0]
        )
        if path[-1][1] < target[1]:
            lo = mid
        else:
            hi = mid
    return p.roll_in, (lo + hi) / 2


def _separation(
    path: list[tuple[float, float]], start: tuple[float, float], end: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Return where the path lies farthest from the chord ``start``-``end``.

    Returns the foot of the perpendicular on the chord, the chord's right-hand unit normal
    and the path's signed distance along it (the path bulges to the left: negative).
    """
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = math.hypot(dx, dy)
    tx, ty = dx / norm, dy / norm
    nx, ny = ty, -tx  # the path bulges to this side (toward +y turned right = outward)
    best = (start, (nx, ny), 0.0)
    for x, y in path:
        along = (x - start[0]) * tx + (y - start[1]) * ty
        off = (x - start[0]) * nx + (y - start[1]) * ny
        if abs(off) > abs(best[2]):
            best = ((start[0] + along * tx, start[1] + along * ty), (nx, ny), off)
    return best


class RampToGoal(Family):
    name = "ramp_to_goal"
    description = (
        "A ball rests on a shelf above a wide ramp; one push must send it far out to the "
        "side so that the ramp bends its path around a post into a pocket on the floor."
    )
    Params = RampParams
    # The success window is a narrow diagonal band in speed × direction (a faster push is
    # bent less by the ramp, so it must be aimed less far out): a 7-step grid (2°, 4 %)
    # finds its middle where a 5-step one often lands next to an edge.
    push_search = PushSearch(speed_span=0.12, angle_span_deg=6.0, steps=7)

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, RampParams) else RampParams.model_validate(params)
        r, slope, run = p.ball_radius, math.radians(p.slope_deg), p.ramp_run
        h = run * math.tan(slope)
        a = (1 + p.pocket_slack) * r  # half the pocket's side
        depth = 1.5 * r
        x_p, y_p = run + p.pocket_distance, p.pocket_side
        along, across = _aim(p, slope, (x_p, y_p))
        path = roll_path(along, across, setback=p.setback, run=run, slope=slope, x_end=x_p)
        # A narrow shelf: the ball cannot roll along it to the side and then straight down.
        half = max(p.shelf_width / 2, path[1][1] + r + 0.05)
        y_lo, y_hi = min(-r - EDGE, -half), y_p + a + EDGE
        x_end = x_p + a + WALL_T + 0.15

        length = math.hypot(run, h)
        ramp = box_piece(
            [length, y_hi - y_lo, PLANK_T],
            [
                run / 2 - math.sin(slope) * PLANK_T / 2,
                (y_lo + y_hi) / 2,
                h / 2 - math.cos(slope) * PLANK_T / 2,
            ],
            pitch=p.slope_deg,
        )
        shelf = box_piece(
            [p.shelf_length, 2 * half, h + depth], [-p.shelf_length / 2, 0.0, (h - depth) / 2]
        )
        # Walls on three sides of the pocket, open toward the ramp: a ball that comes in over
        # the near edge stops over the hole at any speed; one that skims in from the side
        # (a slow push, its path bent flat by the ramp) runs along a wall's outside instead.
        backstop = [
            box_piece([WALL_T, 2 * a + 2 * WALL_T, 2 * r], [x_p + a + WALL_T / 2, y_p, r]),
            *(
                box_piece(
                    [2 * a + OVERLAP, WALL_T, 2 * r],
                    [x_p + OVERLAP / 2, y_p + side * (a + WALL_T / 2), r],
                )
                for side in (-1, 1)
            ),
        ]
        stretch = [q for q in path if 0.3 * run <= q[0] <= x_p - a - 0.1]
        chord_point, normal, off = _separation(stretch, (-p.setback, 0.0), (x_p, y_p))
        post = _post(chord_point, normal, off, r, surface=lambda x: _surface(x, h, run))
        # Fused in this order the union stays a valid solid for every seed tried (OCC's
        # boolean is order-sensitive when turned faces nearly coincide).
        ground = [
            *_floor_with_pocket(run, x_end, (y_lo, y_hi), (x_p, y_p), a, depth),
            shelf,
            ramp,
            post,
        ]
        goal = zone([x_p - a, y_p - a, -depth], [x_p + a, y_p + a, 0.0])
        return Layout(
            task=(
                "Push the red ball off the shelf so that it rolls down the ramp and comes to "
                "rest in the pocket (the green goal zone) on the floor."
            ),
            workspace=box(
                [-p.shelf_length - 0.05, y_lo - 0.1, -depth - 0.02],
                [x_end + 0.1, y_hi + 0.1, h + 0.4],
            ),
            build_zone=zone([-p.shelf_length, -half, h], [0.0, half, h + 0.25]),
            goal_zone=goal,
            forbid_zones=[],
            static_parts=[
                self.part("ground", ground, friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)),
                self.part("backstop", backstop, friction=p.friction, rgba=(0.4, 0.45, 0.6, 1)),
            ],
            moved_object=self.moved(
                "sphere", [r], [-p.setback, 0.0, h + r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=[round(7 / 5 * along, 4), round(7 / 5 * across, 4), 0.0]),
                description=(
                    "Push the ball far out to the side of the pocket: the ramp bends its path "
                    "around the post, and the backstop stops it over the pocket."
                ),
            ),
            horizon_s=3.0,
        )


def _floor_with_pocket(
    x_start: float,
    x_end: float,
    ys: tuple[float, float],
    centre: tuple[float, float],
    a: float,
    depth: float,
) -> list[Piece]:
    """Return the floor from ``x_start`` to ``x_end`` with a square hole of half-side ``a``.

    Only the top faces share a plane: overlapping pieces whose other faces nearly coincide
    make OCC's fuse fail for some turns of the layout, so their bottoms are staggered, the
    slabs beside the hole stop 2 mm short of the floor's edges, and the pocket's bottom
    reaches well under the slabs around it.
    """
    (y_lo, y_hi), (x_p, y_p) = ys, centre
    t, ov = depth, OVERLAP

    def slab(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> Piece:
        return box_piece([x1 - x0, y1 - y0, z1 - z0], [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2])

    return [
        slab(x_start - 0.02, x_p - a + ov, y_lo, y_hi, -t - 0.006, 0.0),
        slab(x_p + a - ov, x_end, y_lo, y_hi, -t - 0.006, 0.0),
        slab(x_p - a, x_p + a, y_lo + 0.002, y_p - a + ov, -t - 0.003, 0.0),
        slab(x_p - a, x_p + a, y_p + a - ov, y_hi - 0.002, -t - 0.003, 0.0),
        slab(x_p - a - 0.01, x_p + a + 0.01, y_p - a - 0.01, y_p + a + 0.01, -t - 0.012, -t),
    ]


def _surface(x: float, h: float, run: float) -> float:
    """Return the height of the shelf, ramp or floor at ``x``."""
    return h if x <= 0 else max(h * (1 - x / run), 0.0)


def _post(
    chord_point: tuple[float, float],
    normal: tuple[float, float],
    off: float,
    r: float,
    *,
    surface: Callable[[float], float],
) -> Piece:
    """Return the post across the straight line to the pocket, clear of the reference path.

    It reaches ``POST_INNER`` inside the line (where the path of a push aimed at the pocket
    bends) and stops ``POST_CLEAR`` short of the reference path's side; it stands on the
    ramp or the floor, its foot sunk into them (it is a piece of the same part).
    """
    side = 1.0 if off >= 0 else -1.0
    inner, outer = -POST_INNER, abs(off) - r - POST_CLEAR
    mid = (inner + outer) / 2 * side
    cx, cy = chord_point[0] + normal[0] * mid, chord_point[1] + normal[1] * mid
    yaw = math.degrees(math.atan2(normal[1], normal[0]))
    length = max(outer - inner, 0.01)
    reach = (abs(normal[0]) * length + abs(normal[1]) * POST_T) / 2  # half its extent in x
    low, high = surface(cx + reach), surface(cx - reach)
    bottom, top = low - 0.005, high + 2.5 * r
    return box_piece([length, POST_T, top - bottom], [cx, cy, (top + bottom) / 2], yaw=yaw)


FAMILY = RampToGoal


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario ramp_to_goal-000007-e32057, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'ball_mass': 0.1011,
    'ball_radius': 0.0391,
    'friction': 0.4964,
    'mirrored': False,
    'pocket_distance': 0.3324,
    'pocket_side': 0.464,
    'pocket_slack': 1.0957,
    'ramp_run': 0.5553,
    'roll_in': 0.4045,
    'setback': 0.1036,
    'shelf_length': 0.2105,
    'shelf_width': 0.3449,
    'slope_deg': 9.3715,
    'yaw_deg': 155.0188,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
