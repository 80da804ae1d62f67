"""obstacle_maze: a wall with one opening stands between a ball and a goal it hides."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import Field

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution, Zone
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "ObstacleMaze"]

FLOOR_T = 0.05
GAP = 0.0005  # the ball starts 0.5 mm above the floor (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
FORBID_MARGIN = 0.055  # forbid zones keep this far from the ball's AABB along the reference path
WALL_HIT = 0.02  # a naive push's ball centre passes this far beyond a ball radius into the wall
PUSH_TIME = 1.0  # s: the push speed covers the straight path in this time (before rolling)


class MazeParams(FamilyParams):
    ball_radius: float = ranged(0.035, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    run: float = ranged(0.6, description="distance from the ball to the wall along x (m)")
    detour: float = ranged(0.10, description="wall between the ball's lane and the opening (m)")
    clearance: float = ranged(0.05, description="ball clearance to the opening's corners (m)")
    wall_thickness: float = ranged(0.04, description="thickness of every wall (m)")
    wall_height: float = ranged(0.12, description="height of every wall (m)")
    goal_distance: float = ranged(0.22, description="distance from the wall to the goal (m)")
    goal_length: float = ranged(0.20, description="length of the goal zone along x (m)")
    goal_reach: float = ranged(0.08, description="goal beyond the reference path's entry (m)")
    goal_inner: float = ranged(0.15, description="goal on the ball's side of its lane (m)")
    patch_length: float = ranged(0.10, description="length of the forbid patch before the wall (m)")
    patch_width: float = ranged(0.25, description="width of each forbid patch (m)")
    margin: float = ranged(0.12, description="free floor between the scene and the outer walls (m)")
    side: float = Field(default=0.5, ge=-1.0, le=1.0, description="opening on +y when >= 0")
    friction: float = ranged(0.8, spread=0.3, description="friction of every surface")


def _opening(p: MazeParams, wall_t: float) -> tuple[float, float]:
    """Return the opening's lateral offset and width, solved together (each needs the other)."""
    r, width = p.ball_radius, 2 * (p.ball_radius + p.clearance) + wall_t
    for _ in range(20):  # a contraction: converges to far below 0.1 µm
        theta = math.atan2(p.detour + width / 2 + r, p.run)
        # The path crosses the wall slanted: the corners must stay ball radius + clearance
        # away from it measured across the path, not along y.
        width = (2 * (r + p.clearance) + wall_t * math.sin(theta)) / math.cos(theta)
    return p.detour + width / 2 + r, width


class ObstacleMaze(Family):
    name = "obstacle_maze"
    description = (
        "A wall with one opening hides the goal from the ball: the single push that reaches "
        "it runs diagonally through the opening, between forbidden floor patches."
    )
    Params = MazeParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, MazeParams) else MazeParams.model_validate(params)
        s = 1.0 if p.side >= 0 else -1.0
        r, wall_h = p.ball_radius, max(p.wall_height, 2.2 * p.ball_radius)
        plan = _plan(p)
        x_min, y_min, x_max, y_max = plan.arena
        out = _mirror(
            (x_min - plan.wall_t, y_min - plan.wall_t, x_max + plan.wall_t, y_max + plan.wall_t), s
        )
        floor = box_piece(
            [out[2] - out[0], out[3] - out[1], FLOOR_T],
            [(out[0] + out[2]) / 2, (out[1] + out[3]) / 2, -FLOOR_T / 2],
        )
        speed = min(max(plan.path_length / PUSH_TIME, 0.8), 1.6)
        norm = math.hypot(p.run, plan.offset)
        push = [round(speed * p.run / norm, 4), round(s * speed * plan.offset / norm, 4) + 0.0, 0.0]
        return Layout(
            task=(
                "Push the red ball once so that it rolls through the opening in the wall into "
                "the green goal zone without touching the red forbidden floor patches."
            ),
            workspace=box([out[0], out[1], -FLOOR_T], [out[2], out[3], wall_h + 0.4]),
            build_zone=_zone((x_min, y_min, plan.x_face, y_max), wall_h, s),
            goal_zone=_zone(plan.goal, 4 * r, s),
            forbid_zones=[_zone(plan.near, 2 * r, s), _zone(plan.far, 2 * r, s)],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part(
                    "walls", _walls(plan, wall_h, s), friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)
                ),
            ],
            moved_object=self.moved(
                "sphere", [r], [0.0, 0.0, r + GAP], mass=p.ball_mass, friction=p.friction
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=push),
                description=(
                    f"Push the ball at {speed:.2f} m/s towards the opening's centre "
                    f"(x={p.run:.3f}, y={s * plan.offset:.3f}); it rolls straight into the goal."
                ),
            ),
            horizon_s=6.0,
        )


_Rect = tuple[float, float, float, float]  # x_min, y_min, x_max, y_max on the floor


@dataclass(frozen=True)
class _Plan:
    """The maze drawn with the opening on the +y side; ``layout`` mirrors it by ``side``."""

    offset: float  # the opening's centre is at (run, offset); the ball at the origin
    opening: float
    wall_x: float
    wall_t: float
    x_face: float  # the cross wall's face toward the ball
    path_length: float  # from the ball to where its centre enters the goal
    goal: _Rect
    near: _Rect
    far: _Rect
    arena: _Rect


def _plan(p: MazeParams) -> _Plan:
    """Lay the maze out so the path y = k·x clears walls and patches, and the naive aim fails."""
    r, tw = p.ball_radius, p.wall_thickness
    offset, opening = _opening(p, tw)
    k = offset / p.run
    x_face = p.run - tw / 2
    x_goal = p.run + p.goal_distance
    # Near patch: in front of the wall, below the path, FORBID_MARGIN clear of its AABB.
    x_a = max(x_face - p.patch_length, 2 * r + 0.08)
    near_hi = k * (x_a - r - FORBID_MARGIN) - r - FORBID_MARGIN
    # The naive push aims at the goal's centre: widen the goal toward the ball's lane
    # until that line hits the wall solidly and runs through the near patch.
    y_hit = min(near_hi, offset - opening / 2 - r - WALL_HIT) - 0.01
    x_centre = x_goal + p.goal_length / 2
    goal_hi = k * x_goal + p.goal_reach
    goal_lo = min(-p.goal_inner, 2 * y_hit * x_centre / (x_face - r) - goal_hi)
    k_naive = (goal_lo + goal_hi) / 2 / x_centre
    near_lo = min(near_hi - p.patch_width, k_naive * x_a - r - 0.02)
    # Far patch: beyond the wall, above the path to a little past goal entry (a trial
    # ends at entry, but notices it a few steps late).
    far_lo = max(k * (x_goal + FORBID_MARGIN) + r + FORBID_MARGIN, goal_hi)
    far = (p.run + tw / 2, far_lo, x_goal + p.goal_length, far_lo + p.patch_width)
    arena = (
        -r - p.margin,
        min(-r, goal_lo, near_lo) - p.margin,
        x_goal + p.goal_length + p.margin,
        max(offset + opening / 2, far[3]) + p.margin,
    )
    return _Plan(
        offset=offset,
        opening=opening,
        wall_x=p.run,
        wall_t=tw,
        x_face=x_face,
        path_length=math.hypot(x_goal, k * x_goal),
        goal=(x_goal, goal_lo, x_goal + p.goal_length, goal_hi),
        near=(x_a, near_lo, x_face, near_hi),
        far=far,
        arena=arena,
    )


def _mirror(rect: _Rect, s: float) -> _Rect:
    """Return ``rect`` mirrored to the side ``s`` (+1 or -1) of the x axis."""
    lo, hi = sorted((s * rect[1], s * rect[3]))
    return (rect[0], lo, rect[2], hi)


def _zone(rect: _Rect, height: float, s: float) -> Zone:
    """Return the zone standing on the floor over ``rect`` mirrored to side ``s``."""
    x0, y0, x1, y1 = _mirror(rect, s)
    return zone([x0, y0, 0.0], [x1, y1, height])


def _walls(plan: _Plan, h: float, s: float) -> list[Piece]:
    """Return the four outer walls and the cross wall split by its opening."""
    x_min, y_min, x_max, y_max = plan.arena
    t = plan.wall_t
    low, high = plan.offset - plan.opening / 2, plan.offset + plan.opening / 2
    xc, lx = (x_min + x_max) / 2, x_max - x_min + 2 * t
    blocks = [  # (x centre, y centre, x length, y length)
        (xc, y_min - t / 2, lx, t),
        (xc, y_max + t / 2, lx, t),
        (x_min - t / 2, (y_min + y_max) / 2, t, y_max - y_min),
        (x_max + t / 2, (y_min + y_max) / 2, t, y_max - y_min),
        (plan.wall_x, (y_min + low) / 2, t, low - y_min),
        (plan.wall_x, (high + y_max) / 2, t, y_max - high),
    ]
    return [box_piece([sx, sy, h], [x, s * y + 0.0, h / 2]) for x, y, sx, sy in blocks]


FAMILY = ObstacleMaze
