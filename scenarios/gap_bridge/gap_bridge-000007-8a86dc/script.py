"""gap_bridge: a ball, a pit too wide to jump, and a walled bay across it: lay a plank.

The ball rests on platform A; platform B, across a pit, carries a bay (three low walls)
whose mouth faces the ball along a skewed line. The ball only gets there rolling: the pit
is wider than the longest jump a push at the action space's top speed can make, so every
push without a plank (the aimed push included) ends in the pit. The solver must lay the
plank across the pit on the line from the ball to the bay, at that line's yaw, flat on
both platforms, and push the ball along it fast enough to climb the plank's 8 mm edge;
the bay's back wall stops it (contacts have no restitution), so it comes to rest in the
goal. The build zone spans the whole pit and both platforms' edges (several times the
plank's footprint), and the layout is turned by a random yaw and mirrored, so where the
plank goes and how it is turned are real decisions. The catalog also holds a board too
short for the pit and a block. The reference lays the plank a drawn few centimetres off
the pit's middle along the path (its 9 cm overlaps leave room), so no zone centre in
problem.json is the reference's position.

Why not every range is ±40 %: the pit is widened when needed to stay un-jumpable at the
top speed (so its low end is clamped); friction stays within ±30 % so that a pushed ball
starts rolling before it reaches the plank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import (
    ActionSpace,
    PartKind,
    PartSpace,
    Piece,
    Placement,
    PushAction,
    PushSpace,
    ReferenceSolution,
    Zone,
)
from benchgen.spec.pieces import box_piece

__all__ = [
    "FAMILY",
    "GapBridge",
    "PathFrame",
    "bay_walls",
    "ceil_mm",
    "climb_speed",
    "corners_xy",
    "jump_reach",
]

FLOOR_T = 0.05
PLANK_T = 0.008  # thin, so the rolling ball climbs the step onto it without a chamfer
WALL_T = 0.02  # bay wall thickness
GAP = 0.0005  # the ball starts 0.5 mm above its support (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 1.5  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
PIT_CLEARANCE = 0.045  # the pit's forbid zone stops this far below the platform tops
CLIMB_SLACK = 1.8  # rolling speed over the speed that just climbs the plank's step
FLY_SLACK = 1.3  # gap width over the widest gap a pushed ball could jump
PLANK_WIDTH = 0.2  # m: wide enough for the ±5 % jitter of the push and of the plank
OVERLAP = 0.09  # m of plank on each platform beyond the pit's edge, along the plank
ZONE_REACH = 0.2  # m: how far the build zone reaches onto each platform
MOUTH_CLEAR = 0.13  # m of platform B before the bay's mouth, at least (room for the plank)


def climb_speed(radius: float, step: float) -> float:
    """Return the rolling speed a ball needs to climb a step (no slip about the edge).

    Angular momentum about the step's edge is kept through the impact; the ball then
    pivots about the edge and must lift its centre by ``step``.
    """
    kept = (1.4 * radius - step) / (1.4 * radius)  # share of the speed left after impact
    return math.sqrt(G * step / 0.7) / kept


def jump_reach(radius: float, speed: float) -> float:
    """Return how far a ball leaving an edge at ``speed`` flies before dropping 2r + 2 cm."""
    return speed * math.sqrt(2 * (2 * radius + 0.02) / G)


class PathFrame:
    """Points given along a straight path (``along``) and across it (``across``, to the left)."""

    def __init__(self, origin: Sequence[float], heading_deg: float) -> None:
        self.ox, self.oy = origin[0], origin[1]
        self.heading = heading_deg
        self.c = math.cos(math.radians(heading_deg))
        self.s = math.sin(math.radians(heading_deg))

    def point(self, along: float, across: float = 0.0, z: float = 0.0) -> list[float]:
        return [
            self.ox + self.c * along - self.s * across,
            self.oy + self.s * along + self.c * across,
            z,
        ]

    def direction(self, length: float = 1.0) -> list[float]:
        return [self.c * length, self.s * length, 0.0]


def bay_walls(
    frame: PathFrame, *, mouth: float, length: float, width: float, base: float, height: float
) -> tuple[list[Piece], Zone]:
    """Return the three walls of a bay open towards the path's start, and its goal zone.

    The bay's inside runs from ``mouth`` to ``mouth + length`` along the path and
    ``width`` across it; its walls stand on ``base``. The goal zone is the inside.
    """
    back = mouth + length + WALL_T / 2
    side = width / 2 + WALL_T / 2
    z = base + height / 2
    heading = frame.heading
    walls = [
        box_piece([WALL_T, width + 2 * WALL_T, height], frame.point(back, 0, z), yaw=heading),
        box_piece([length, WALL_T, height], frame.point(mouth + length / 2, side, z), yaw=heading),
        box_piece([length, WALL_T, height], frame.point(mouth + length / 2, -side, z), yaw=heading),
    ]
    centre = frame.point(mouth + length / 2, 0.0, base + height)
    half = [length / 2, width / 2, height]
    goal = zone(
        [c - h for c, h in zip(centre, half, strict=True)],
        [c + h for c, h in zip(centre, half, strict=True)],
        yaw_deg=heading,
    )
    return walls, goal


class GapBridgeParams(FamilyParams):
    platform_height: float = ranged(0.18, description="height of both platform tops (m)")
    gap: float = ranged(
        0.42, description="width of the pit along x (m); widened if a push could jump it"
    )
    skew_deg: float = ranged(
        22.0, description="angle between the ball-to-bay line and the pit's crossing (deg)"
    )
    ball_radius: float = ranged(0.04, description="radius of the ball (m)")
    ball_mass: float = ranged(0.15, description="mass of the ball (kg)")
    run_up: float = ranged(0.18, description="distance from the ball to the pit's edge (m)")
    goal_setback: float = ranged(
        0.08, description="distance from platform B's edge to the bay's mouth, beyond 13 cm (m)"
    )
    goal_length: float = ranged(0.16, description="inside length of the bay (m)")
    goal_width: float = ranged(0.32, description="inside width of the bay (m)")
    friction: float = ranged(0.8, spread=0.3, description="friction of every surface")
    plank_shift: float = Field(
        default=0.0,
        ge=-0.03,
        le=0.03,
        description=(
            "where the reference lays the plank along the path, from the pit's middle (m); "
            "any point within a few cm works, so the reference is not the pit's centre"
        ),
    )


class GapBridge(Family):
    name = "gap_bridge"
    description = (
        "A ball rests on one platform and a walled bay on another across a pit too wide to "
        "jump: lay a plank across the pit on the line to the bay, then push the ball along it."
    )
    Params = GapBridgeParams
    push_search = PushSearch(speed_span=0.2, angle_span_deg=3.0, steps=5)
    narrow_ranges: ClassVar[dict[str, str]] = {
        "friction": "within ±30 % so that a pushed ball rolls before it reaches the plank",
    }

    def layout(self, params: FamilyParams) -> Layout:
        p = (
            params
            if isinstance(params, GapBridgeParams)
            else GapBridgeParams.model_validate(params)
        )
        h, r = p.platform_height, p.ball_radius
        speed = round(1.4 * CLIMB_SLACK * climb_speed(r, PLANK_T), 3)
        gap = ceil_mm(max(p.gap, FLY_SLACK * jump_reach(r, MAX_PUSH_SPEED)))
        phi = math.radians(p.skew_deg)
        # The path crosses the pit's middle at y = 0; the ball starts run_up before the edge.
        frame = PathFrame([gap / 2, 0.0], p.skew_deg)
        crossing = gap / 2 / math.cos(phi)  # path length from the pit's middle to an edge
        start = -(crossing + (p.run_up + r) / math.cos(phi))
        mouth = crossing + (MOUTH_CLEAR + p.goal_setback) / math.cos(phi)
        walls, goal = bay_walls(
            frame, mouth=mouth, length=p.goal_length, width=p.goal_width, base=h, height=2 * r
        )
        ball = frame.point(start, 0.0, h + r + GAP)
        plank_len = 2 * (crossing + OVERLAP)
        plank_at = frame.point(p.plank_shift, 0.0, h + PLANK_T / 2)

        corners = [c for w in walls for c in corners_xy(w)]
        # Solids cut to the millimetre: model.xml keeps 6 significant digits (MuJoCo's
        # to_xml), so the model read back is the model verified.
        y_half = ceil_mm(max(max(abs(c[1]) for c in corners), abs(ball[1]) + r, 0.3) + 0.05)
        len_a = ceil_mm(-ball[0] + r + 0.1)
        len_b = ceil_mm(max(c[0] for c in corners) - gap + 0.08)
        x_min, x_max = -len_a - 0.1, gap + len_b + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_half + 0.2, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        platform_a = box_piece([len_a, 2 * y_half, h], [-len_a / 2, 0.0, h / 2])
        platform_b = box_piece([len_b, 2 * y_half, h], [gap + len_b / 2, 0.0, h / 2])
        pit = zone([0.0, -y_half - 0.1, 0.0], [gap, y_half + 0.1, h - PIT_CLEARANCE])
        colour = (0.7, 0.6, 0.45, 1)
        catalog = [
            PartKind(kind="plank", size=[plank_len, PLANK_WIDTH, PLANK_T], friction=p.friction,
                     description="a thin board"),
            PartKind(kind="board", size=[0.6 * gap, PLANK_WIDTH, PLANK_T], friction=p.friction,
                     description="a short thin board"),
            PartKind(kind="block", size=[0.08, 0.08, 0.08], friction=p.friction,
                     description="a cube"),
        ]  # fmt: skip
        return Layout(
            task=(
                "Get the red ball across the pit into the green goal zone, a walled bay on the "
                "far platform, without dropping it into the red pit: place parts in the blue "
                "build zone, then push the ball."
            ),
            workspace=box([x_min, -y_half - 0.1, -FLOOR_T], [x_max, y_half + 0.1, h + 0.5]),
            build_zone=zone([-ZONE_REACH, -y_half, h - 0.01], [gap + ZONE_REACH, y_half, h + 0.08]),
            goal_zone=goal,
            forbid_zones=[pit],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("platform_a", [platform_a], friction=p.friction, rgba=colour),
                self.part("platform_b", [platform_b], friction=p.friction, rgba=colour),
                self.part("bay", walls, friction=p.friction, rgba=(0.45, 0.5, 0.6, 1)),
            ],
            moved_object=self.moved("sphere", [r], ball, mass=p.ball_mass, friction=p.friction),
            action_space=ActionSpace(
                push=PushSpace(max_speed=MAX_PUSH_SPEED),
                parts=PartSpace(catalog=catalog),
            ),
            reference_solution=ReferenceSolution(
                parts=[Placement(kind="plank", position=plank_at, rotation_deg=[0, 0, p.skew_deg])],
                push=PushAction(velocity=frame.direction(speed)),
                description=(
                    "Lay the plank flat across the pit on the line from the ball to the bay, "
                    "then push the ball along that line: it climbs the plank, rolls across and "
                    "stops against the bay's back wall."
                ),
            ),
            horizon_s=6.0,
        )


def ceil_mm(value: float) -> float:
    """Round a length up to the next millimetre."""
    return math.ceil(value * 1000 - 1e-6) / 1000


def corners_xy(piece: Piece) -> list[tuple[float, float]]:
    """Return the four corners of a yawed box piece in the horizontal plane."""
    hx, hy = piece.size[0], piece.size[1]
    w, _, _, z = piece.pose.quat
    yaw = 2 * math.atan2(z, w)
    c, s = math.cos(yaw), math.sin(yaw)
    x, y = piece.pose.pos[0], piece.pose.pos[1]
    return [(x + c * a - s * b, y + s * a + c * b) for a in (-hx, hx) for b in (-hy, hy)]


FAMILY = GapBridge


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario gap_bridge-000007-8a86dc, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'ball_mass': 0.1468,
    'ball_radius': 0.0259,
    'friction': 0.8123,
    'gap': 0.5497,
    'goal_length': 0.1012,
    'goal_setback': 0.0741,
    'goal_width': 0.2273,
    'mirrored': True,
    'plank_shift': 0.0162,
    'platform_height': 0.2444,
    'run_up': 0.1881,
    'skew_deg': 25.4816,
    'yaw_deg': 55.9329,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
