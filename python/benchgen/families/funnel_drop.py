"""funnel_drop: a ball on a ledge is pushed off, falls through a square hopper into a goal.

The hopper is four tilted box plates (one part; the plates overlap at the corners) on four
corner posts, so its collision is exact: the opening at the bottom is a real hole, not
the filled convex hull the seed's reference implementation collided with
(docs/architecture.md#the-seeds-reference-implementation).
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "FunnelDrop"]

FLOOR_T = 0.05
PLATE_T = 0.012  # hopper plate thickness
POST = 0.03  # square section of a hopper post
GAP = 0.0005  # the ball starts 0.5 mm above the ledge (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
FORBID_CLEAR = 0.05  # m between the goal and a forbidden strip


class FunnelParams(FamilyParams):
    ball_radius: float = ranged(0.035, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    exit_ratio: float = ranged(
        1.75, spread=0.2, description="hopper exit width over ball diameter (at least 1.4)"
    )
    hopper_reach: float = ranged(
        0.14, description="how far the hopper's top rim reaches beyond its exit (m)"
    )
    wall_angle: float = ranged(
        58.0, spread=0.15, description="hopper plate angle from horizontal (deg)"
    )
    exit_clearance: float = ranged(
        0.12, description="free height under the hopper exit, above the ball (m)"
    )
    drop: float = ranged(0.18, description="height of the ledge top above the hopper rim (m)")
    gap: float = ranged(0.10, description="distance from the ledge edge to the hopper (m)")
    setback: float = ranged(0.15, description="distance of the ball from the ledge edge (m)")
    ledge_width: float = ranged(0.20, description="width of the ledge along y (m)")
    friction: float = ranged(0.5, spread=0.3, description="friction of every surface")


class FunnelDrop(Family):
    name = "funnel_drop"
    description = (
        "A ball rests on a ledge; a push sends it into a square hopper of four tilted plates "
        "whose exit lies over the goal zone on the floor, between forbidden strips."
    )
    Params = FunnelParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, FunnelParams) else FunnelParams.model_validate(params)
        r = p.ball_radius
        a = p.exit_ratio * r  # exit half-width
        rim = a + p.hopper_reach  # top opening half-width
        theta = math.radians(p.wall_angle)
        z_bot = 2 * r + p.exit_clearance
        z_top = z_bot + p.hopper_reach * math.tan(theta)
        outer = rim + POST
        xc = p.gap + outer
        ledge_h = z_top + p.drop
        ledge_len = p.setback + 0.12

        goal_half = a + 0.6 * p.hopper_reach
        goal_top = 2 * r + 0.5 * p.exit_clearance
        goal = zone([xc - goal_half, -goal_half, 0.0], [xc + goal_half, goal_half, goal_top])
        strip = (goal_half + FORBID_CLEAR, goal_half + FORBID_CLEAR + 0.2)
        # The strips lie across the push direction: after dropping through, the ball rolls
        # on along x (and back from the ledge), never sideways into them.
        forbid = [
            zone([xc - goal_half, strip[0], 0.0], [xc + goal_half, strip[1], goal_top]),
            zone([xc - goal_half, -strip[1], 0.0], [xc + goal_half, -strip[0], goal_top]),
        ]
        x_min, x_max = -ledge_len - 0.1, xc + outer + 0.3
        y_half = max(strip[1], outer) + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        ledge = box_piece([ledge_len, p.ledge_width, ledge_h], [-ledge_len / 2, 0.0, ledge_h / 2])

        speed = _push_speed(p, edge_speed=_edge_speed(xc, p.drop), distance=p.setback)
        start = [-p.setback, 0.0, ledge_h + r + GAP]
        return Layout(
            task=(
                "Get the red ball from the ledge through the hopper into the green goal zone "
                "on the floor without touching the red forbidden zones."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, ledge_h + 0.4]),
            build_zone=zone(
                [-ledge_len, -p.ledge_width / 2, ledge_h], [0.0, p.ledge_width / 2, ledge_h + 0.2]
            ),
            goal_zone=goal,
            forbid_zones=forbid,
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("ledge", [ledge], friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)),
                self.part(
                    "hopper",
                    _hopper(xc, a, rim, z_bot, z_top),
                    friction=p.friction,
                    rgba=(0.45, 0.55, 0.7, 1),
                ),
            ],
            moved_object=self.moved("sphere", [r], start, mass=p.ball_mass, friction=p.friction),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=[round(speed, 4), 0.0, 0.0]),
                description=(
                    f"Push the ball along +x at {speed:.3f} m/s; it rolls off the ledge, lands "
                    "in the hopper and drops through its exit onto the goal."
                ),
            ),
            horizon_s=5.0,
        )


def _edge_speed(x_target: float, drop: float) -> float:
    """Return the speed off the edge that carries the ball's centre to ``x_target`` at rim level."""
    return x_target / math.sqrt(2 * drop / G)


def _push_speed(p: FunnelParams, *, edge_speed: float, distance: float) -> float:
    """Return the push that leaves the ledge at ``edge_speed`` after rolling ``distance``.

    A pushed ball first slides, losing speed as v² = v0² - 2μgx, until it rolls at 5/7 of
    the push (a solid sphere); after that it keeps its speed (no rolling resistance with
    MuJoCo's condim 3). So the edge speed is max(5/7·v0, sqrt(v0² - 2μg·distance)).
    """
    return min(7 / 5 * edge_speed, math.sqrt(edge_speed**2 + 2 * p.friction * G * distance))


def _hopper(xc: float, a: float, rim: float, z_bot: float, z_top: float) -> list[Piece]:
    """Return four plates sloping from the exit (half-width ``a``) to the rim, and four posts.

    Each plate's inner face runs from (a, z_bot) to (rim, z_top) in its own vertical plane;
    it is wide enough to close the corner against its neighbours, whose ends it overlaps.
    """
    run, rise = rim - a, z_top - z_bot
    theta = math.atan2(rise, run)
    length = math.hypot(run, rise)
    width = 2 * (rim + PLATE_T / math.sin(theta)) + 0.004
    # Centre of the plate: middle of the inner face, moved half a thickness along -normal.
    radial = (a + rim) / 2 + math.sin(theta) * PLATE_T / 2
    z_mid = (z_bot + z_top) / 2 - math.cos(theta) * PLATE_T / 2
    plates = []
    for yaw in (0.0, 90.0, 180.0, 270.0):
        c, s = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        plates.append(
            box_piece(
                [length, width, PLATE_T],
                [xc + c * radial, s * radial, z_mid],
                pitch=-math.degrees(theta),
                yaw=yaw,
            )
        )
    # Posts stand on the floor at the outer corners and reach into the plates' top ends.
    post_h = z_top - 0.002
    posts = [
        box_piece(
            [POST, POST, post_h], [xc + sx * (rim + POST / 2), sy * (rim + POST / 2), post_h / 2]
        )
        for sx in (-1, 1)
        for sy in (-1, 1)
    ]
    return plates + posts


FAMILY = FunnelDrop
