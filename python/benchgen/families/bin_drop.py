"""bin_drop: a cube near a table's edge is pushed off and falls into a bin on the floor."""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "BinDrop"]

FLOOR_T = 0.05
TOP_T = 0.03  # table top thickness
LEG = 0.05  # square section of a table leg
WALL_T = 0.015  # bin wall and bottom thickness
GAP = 0.0005  # the cube starts 0.5 mm above the table (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
FORBID_CLEAR = 0.03  # m between a forbidden floor zone and the table or bin
FORBID_H = 0.04  # height of the forbidden floor zones (far below the fall path)


class BinParams(FamilyParams):
    table_height: float = ranged(0.45, description="height of the table top (m)")
    table_length: float = ranged(0.50, description="length of the table along x (m)")
    table_width: float = ranged(0.40, description="width of the table along y (m)")
    cube_side: float = ranged(0.05, description="side of the cube (m)")
    cube_mass: float = ranged(0.20, description="mass of the cube (kg)")
    setback: float = ranged(0.08, description="cube front face to the table edge (m)")
    bin_gap: float = ranged(0.15, description="table edge to the bin's near wall (m)")
    bin_length: float = ranged(0.30, description="inside length of the bin along x (m)")
    bin_width: float = ranged(0.30, description="inside width of the bin along y (m)")
    rim_fraction: float = ranged(0.40, spread=0.25, description="bin rim height over table height")
    friction: float = ranged(0.35, spread=0.3, description="friction of every surface")


class BinDrop(Family):
    name = "bin_drop"
    description = (
        "A cube rests near a table's edge; a push slides it off the edge and it falls into "
        "a bin on the floor, not onto the forbidden floor around the bin."
    )
    Params = BinParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, BinParams) else BinParams.model_validate(params)
        h, s = p.table_height, p.cube_side
        rim = p.rim_fraction * h
        bin_lo = p.bin_gap + WALL_T  # inside of the near wall
        bin_x = bin_lo + p.bin_length / 2
        bin_far = bin_lo + p.bin_length + WALL_T
        half_w = p.bin_width / 2

        x0 = -p.setback - s / 2
        edge_speed = _edge_speed(bin_x, drop=h + s / 2 - rim)
        speed = math.sqrt(edge_speed**2 + 2 * p.friction * G * -x0)

        goal = zone([bin_lo, -half_w, WALL_T], [bin_lo + p.bin_length, half_w, rim])
        y_zone = half_w + WALL_T + 0.1
        forbid = [
            zone([FORBID_CLEAR, -y_zone, 0.0], [p.bin_gap - FORBID_CLEAR, y_zone, FORBID_H]),
            zone(
                [bin_far + FORBID_CLEAR, -y_zone, 0.0],
                [bin_far + FORBID_CLEAR + 0.25, y_zone, FORBID_H],
            ),
        ]
        x_min, x_max = -p.table_length - 0.1, forbid[1].max[0] + 0.1
        y_half = max(p.table_width / 2, y_zone) + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        start = [x0, 0.0, h + s / 2 + GAP]
        return Layout(
            task=(
                "Get the red cube off the table into the bin (the green goal zone) without "
                "touching the red forbidden floor zones around the bin."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, h + 0.5]),
            build_zone=zone(
                [-p.table_length, -p.table_width / 2, h], [0.0, p.table_width / 2, h + 0.25]
            ),
            goal_zone=goal,
            forbid_zones=forbid,
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part(
                    "table",
                    _table(p.table_length, p.table_width, h),
                    friction=p.friction,
                    rgba=(0.7, 0.55, 0.4, 1),
                ),
                self.part(
                    "bin",
                    _bin(bin_x, p.bin_length, p.bin_width, rim),
                    friction=p.friction,
                    rgba=(0.35, 0.5, 0.65, 1),
                ),
            ],
            moved_object=self.moved(
                "box", [s / 2] * 3, start, mass=p.cube_mass, friction=p.friction
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=[round(speed, 4), 0.0, 0.0]),
                description=(
                    f"Push the cube along +x at {speed:.3f} m/s; it leaves the edge at about "
                    f"{edge_speed:.3f} m/s and drops into the middle of the bin."
                ),
            ),
            horizon_s=4.0,
        )


def _edge_speed(x_target: float, *, drop: float) -> float:
    """Return the speed off the edge (x = 0) landing the centre at ``x_target`` after ``drop``."""
    return x_target / math.sqrt(2 * drop / G)


def _table(length: float, width: float, height: float) -> list[Piece]:
    """Return a table top spanning x in [-length, 0] on four legs standing on the floor."""
    top = box_piece([length, width, TOP_T], [-length / 2, 0.0, height - TOP_T / 2])
    # Legs reach 1 mm into the top so the part fuses into one solid.
    leg_h = height - TOP_T + 0.001
    legs = [
        box_piece([LEG, LEG, leg_h], [x, y, leg_h / 2])
        for x in (-length + LEG / 2 + 0.02, -LEG / 2 - 0.02)
        for y in (-width / 2 + LEG / 2 + 0.02, width / 2 - LEG / 2 - 0.02)
    ]
    return [top, *legs]


def _bin(x: float, length: float, width: float, rim: float) -> list[Piece]:
    """Return a bin of inside size ``length`` × ``width`` centred at ``x``: a bottom, four walls."""
    out_l, out_w = length + 2 * WALL_T, width + 2 * WALL_T
    bottom = box_piece([out_l, out_w, WALL_T], [x, 0.0, WALL_T / 2])
    wall_h = rim - WALL_T
    z = WALL_T + wall_h / 2
    # The x walls run the full outside width; the y walls fit between them (they touch).
    walls = [
        box_piece([WALL_T, out_w, wall_h], [x + sx * (length + WALL_T) / 2, 0.0, z])
        for sx in (-1, 1)
    ] + [box_piece([length, WALL_T, wall_h], [x, sy * (width + WALL_T) / 2, z]) for sy in (-1, 1)]
    return [bottom, *walls]


FAMILY = BinDrop
