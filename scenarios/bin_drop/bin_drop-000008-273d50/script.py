"""bin_drop: a cube banks off a table's end rail and slides off its corner into a bin.

The table has a rail along its far end and another along the side the bin stands by, up
to a gap at the far corner just wide enough for the cube. The bin stands on the floor by
that corner, its near wall under the table's edge. A straight push at the bin hits the
side rail, slides along it into the corner and stops there, on the table, at any speed.
The cube has to be pushed at the end rail at a slant: the rail stops its motion across,
it slides on along the rail, through the gap and off the edge; friction on the table
slows it all the way, so the push sets how fast it leaves the edge and so where it lands:
too slow and it stops on the table, too fast and it flies over the bin. The bin's walls
hold it once it is in.
"""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import ActionSpace, Piece, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "BinDrop"]

FLOOR_T = 0.05
TOP_T = 0.03  # table top thickness
RAIL_T = 0.02  # rail thickness
WALL_T = 0.015  # bin wall and bottom thickness
GAP = 0.0005  # the cube starts 0.5 mm above the table (a drop of at most 2 mm)
MAX_PUSH_SPEED = 4.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
OVERLAP = 0.001  # m: pieces of one part overlap so that the part fuses into one solid
EXIT_SHARE = 0.65  # the reference leaves the edge at this share of the fastest catchable speed


class BinParams(FamilyParams):
    table_height: float = ranged(0.45, description="height of the table top (m)")
    cube_side: float = ranged(0.05, description="side of the cube (m)")
    cube_mass: float = ranged(0.20, description="mass of the cube (kg)")
    approach: float = ranged(0.20, description="distance from the cube to the end rail (m)")
    lateral: float = ranged(
        0.35, description="sideways distance from the cube to where it should meet the rail (m)"
    )
    bank_run: float = ranged(
        0.05, description="slide along the end rail from there to clear of the side rail (m)"
    )
    table_margin: float = ranged(0.10, description="table behind and beside the cube (m)")
    rail_extra: float = ranged(
        0.6, description="rail height beyond the cube's side (in cube sides): it cannot tip over"
    )
    gap_slack: float = ranged(0.6, description="corner gap beyond the cube's side (in cube sides)")
    bin_length: float = ranged(0.20, description="inside length of the bin along the rail (m)")
    bin_reach: float = ranged(
        0.30, description="from the table's edge to the bin's far wall inside (m)"
    )
    bin_under: float = ranged(
        0.04, description="how far the bin's near wall stands under the table (m)"
    )
    rim_fraction: float = ranged(0.4, description="bin rim height over table height")
    friction: float = ranged(0.25, description="friction of every surface")


class BinDrop(Family):
    name = "bin_drop"
    description = (
        "A cube rests on a railed table; a push must bank it off the end rail so that it "
        "slides through the gap at the corner and drops into the bin standing there."
    )
    Params = BinParams
    push_search = PushSearch(speed_span=0.18, angle_span_deg=6.0, steps=7)

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, BinParams) else BinParams.model_validate(params)
        h, s, mu = p.table_height, p.cube_side, p.friction
        # The end rail's inside face is at x = 0; the table's side edge (the bin's side) at y = 0.
        x_h, y_h = -s / 2, -RAIL_T - s / 2 - p.bank_run  # where the cube meets the rail
        gap = s * (1 + p.gap_slack)
        bin_y = (-p.bin_under, p.bin_reach)
        y0 = y_h - p.lateral
        # A straight push at the bin's centre must meet the side rail short of the gap: the
        # cube starts far enough back for that line to cross the rail's line before it.
        y_bin, y_rail = sum(bin_y) / 2, -RAIL_T - s / 2
        back = (gap + 0.02) * (y_bin - y0) / (y_bin - y_rail)
        x0 = x_h - max(p.approach, back)
        x_back, y_back = x0 - s / 2 - p.table_margin, y0 - s / 2 - p.table_margin
        rim = p.rim_fraction * h
        rail_h = (1 + p.rail_extra) * s
        top = box_piece(
            [RAIL_T - x_back, -y_back, TOP_T], [(x_back + RAIL_T) / 2, y_back / 2, h - TOP_T / 2]
        )
        pedestal = box_piece(
            [0.4 * (RAIL_T - x_back), -0.4 * y_back, h - TOP_T + OVERLAP],
            [(x_back + RAIL_T) / 2, y_back / 2, (h - TOP_T + OVERLAP) / 2],
        )
        end_rail = box_piece([RAIL_T, -y_back, rail_h], [RAIL_T / 2, y_back / 2, h + rail_h / 2])
        side_rail = box_piece(
            [-gap - x_back, RAIL_T, rail_h], [(x_back - gap) / 2, -RAIL_T / 2, h + rail_h / 2]
        )
        x_bin = x_h  # the bin is centred on the cube's line along the rail
        goal = zone(
            [x_bin - p.bin_length / 2, bin_y[0], WALL_T], [x_bin + p.bin_length / 2, bin_y[1], rim]
        )
        # The reference, from a model of sliding with Coulomb friction and a rail that stops
        # the motion across it (an impulse whose friction also slows the motion along it).
        psi = math.atan2(y_h - y0, x_h - x0)  # from the rail's normal
        t_fall = math.sqrt(2 * (h + s / 2 - WALL_T - s / 2) / G)
        v_exit = EXIT_SHARE * (p.bin_reach - s / 2) / t_fall
        v_rail = math.sqrt(v_exit**2 + 2 * mu * G * -y_h)
        v_hit = v_rail / max(math.sin(psi) - mu * math.cos(psi), 0.05)
        speed = math.sqrt(v_hit**2 + 2 * mu * G * math.hypot(x_h - x0, y_h - y0))
        push = [round(speed * math.cos(psi), 4), round(speed * math.sin(psi), 4), 0.0]
        x_min, x_max = x_back - 0.2, x_bin + p.bin_length / 2 + WALL_T + 0.25
        y_min, y_max = y_back - 0.2, bin_y[1] + WALL_T + 0.25
        floor = box_piece(
            [x_max - x_min, y_max - y_min, FLOOR_T],
            [(x_min + x_max) / 2, (y_min + y_max) / 2, -FLOOR_T / 2],
        )
        return Layout(
            task=(
                "Push the red cube so that it leaves the railed table through the gap at the "
                "corner and comes to rest in the bin (the green goal zone)."
            ),
            workspace=box([x_min, y_min, -FLOOR_T], [x_max, y_max, h + 0.5]),
            build_zone=zone([x_back, y_back, h], [0.0, 0.0, h + 0.25]),
            goal_zone=goal,
            forbid_zones=[],
            static_parts=[
                self.part("floor", [floor], friction=mu, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("table", [top, pedestal], friction=mu, rgba=(0.7, 0.55, 0.4, 1)),
                self.part("end_rail", [end_rail], friction=mu, rgba=(0.5, 0.4, 0.3, 1)),
                self.part("side_rail", [side_rail], friction=mu, rgba=(0.5, 0.4, 0.3, 1)),
                self.part(
                    "bin",
                    _bin(x_bin, p.bin_length, bin_y, rim),
                    friction=mu,
                    rgba=(0.35, 0.5, 0.65, 1),
                ),
            ],
            moved_object=self.moved(
                "box", [s / 2] * 3, [x0, y0, h + s / 2 + GAP], mass=p.cube_mass, friction=mu
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=push),
                description=(
                    "Push the cube at the end rail, slanted toward the gap: it slides along "
                    "the rail, off the corner and into the bin."
                ),
            ),
            horizon_s=4.0,
        )


def _bin(x: float, length: float, ys: tuple[float, float], rim: float) -> list[Piece]:
    """Return a bin standing on the floor: inside ``length`` along x, ``ys`` across, rim high."""
    y0, y1 = ys
    out_l, out_w = length + 2 * WALL_T, y1 - y0 + 2 * WALL_T
    yc = (y0 + y1) / 2
    bottom = box_piece([out_l, out_w, WALL_T], [x, yc, WALL_T / 2])
    wall_h = rim - WALL_T + OVERLAP
    z = WALL_T - OVERLAP + wall_h / 2
    walls = [
        box_piece([WALL_T, out_w, wall_h], [x + sx * (length + WALL_T) / 2, yc, z])
        for sx in (-1, 1)
    ] + [
        box_piece([length + 2 * OVERLAP, WALL_T, wall_h], [x, yc + sy * (y1 - y0 + WALL_T) / 2, z])
        for sy in (-1, 1)
    ]
    return [bottom, *walls]


FAMILY = BinDrop


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario bin_drop-000008-273d50, written by benchgen. Rebuild it on its own with
#     python script.py --seed 8 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 8
SCENARIO_PARAMS = {
    'approach': 0.2507,
    'bank_run': 0.0449,
    'bin_length': 0.125,
    'bin_reach': 0.4142,
    'bin_under': 0.0525,
    'cube_mass': 0.2557,
    'cube_side': 0.0655,
    'friction': 0.3377,
    'gap_slack': 0.3883,
    'lateral': 0.3588,
    'mirrored': False,
    'rail_extra': 0.4519,
    'rim_fraction': 0.2445,
    'table_height': 0.5719,
    'table_margin': 0.0653,
    'yaw_deg': 149.5114,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
