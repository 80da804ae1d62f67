"""push_to_goal: a cube rests on a table; one push slides it into a goal further along."""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged
from benchgen.spec.models import Piece, Push, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "PushToGoal"]

FLOOR_T = 0.05
TOP_T = 0.03  # table top thickness
LEG = 0.05  # square section of a table leg
GAP = 0.0005  # the cube starts 0.5 mm above the table (at most 2 mm: docs/architecture.md)
G = 9.81
# The push aims the stop at the goal's middle with 5 % more speed (10 % more distance), so
# the cube comes to rest inside the goal in MuJoCo and its centre still enters the goal if
# another engine's sliding friction is ~25 % higher. The table is long enough that the cube
# also stops on it when friction is 15 % lower. Table and cube share one friction, so
# MuJoCo's max, Godot's min and Jolt's geometric mean all combine them to the same μ.
SPEED_MARGIN = 1.05
LOW_FRICTION = 0.85
PIT_CLEAR = 0.05  # m between the table and a forbidden pit


class PushParams(FamilyParams):
    table_height: float = ranged(0.45, description="height of the table top (m)")
    table_width: float = ranged(0.50, description="width of the table along y (m)")
    cube_side: float = ranged(0.06, description="side of the cube (m)")
    cube_mass: float = ranged(0.30, description="mass of the cube (kg)")
    start_margin: float = ranged(0.10, description="table left behind the cube (m)")
    goal_distance: float = ranged(0.35, description="cube front face to goal near edge (m)")
    goal_length: float = ranged(0.25, description="length of the goal zone along x (m)")
    runout: float = ranged(0.20, description="table left beyond the goal (m)")
    pit_length: float = ranged(0.30, description="length of the pit beyond the table (m)")
    friction: float = ranged(0.40, spread=0.3, description="friction of table and cube")


class PushToGoal(Family):
    name = "push_to_goal"
    description = (
        "A cube rests on a table; one push slides it along the table into a goal zone, "
        "short of the forbidden pits beyond the table's end and sides."
    )
    Params = PushParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, PushParams) else PushParams.model_validate(params)
        h, w, s = p.table_height, p.table_width, p.cube_side
        x0 = p.start_margin + s / 2
        goal_lo = x0 + s / 2 + p.goal_distance
        goal_hi = goal_lo + p.goal_length
        d_mid = (goal_lo + goal_hi) / 2 - x0
        speed = SPEED_MARGIN * math.sqrt(2 * p.friction * G * d_mid)
        stop = x0 + d_mid * SPEED_MARGIN**2
        length = max(goal_hi + p.runout, x0 + (stop - x0) / LOW_FRICTION + s / 2 + 0.02)

        pit_top = 0.5 * h  # pits lie well below the sliding cube's path
        end_pit = box(
            [length + PIT_CLEAR, -w / 2 - 0.1, 0.0],
            [length + PIT_CLEAR + p.pit_length, w / 2 + 0.1, pit_top],
        )
        side = (w / 2 + PIT_CLEAR, w / 2 + PIT_CLEAR + 0.2)
        side_pits = [
            box([goal_lo - 0.1, side[0], 0.0], [length, side[1], pit_top]),
            box([goal_lo - 0.1, -side[1], 0.0], [length, -side[0], pit_top]),
        ]
        x_min, x_max = -0.15, end_pit.max[0] + 0.1
        y_half = side[1] + 0.1
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        goal = box([goal_lo, -w / 2 + 0.02, h], [goal_hi, w / 2 - 0.02, h + 3 * s])
        start = [x0, 0.0, h + s / 2 + GAP]
        return Layout(
            task=(
                "Push the red cube along the table so it ends up in the green goal zone "
                "without falling into the red forbidden pits beside and beyond the table."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, h + 0.5]),
            build_zone=box([0.0, -w / 2, h], [goal_lo, w / 2, h + 0.25]),
            goal_zone=goal,
            forbid_zones=[end_pit, *side_pits],
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part(
                    "table", _table(length, w, h), friction=p.friction, rgba=(0.7, 0.55, 0.4, 1)
                ),
            ],
            moved_object=self.moved(
                "box", [s / 2] * 3, start, mass=p.cube_mass, friction=p.friction
            ),
            reference_solution=ReferenceSolution(
                kind="push",
                push=Push(linear_velocity=[round(speed, 4), 0.0, 0.0]),
                description=(
                    f"Push the cube along +x at {speed:.3f} m/s; sliding friction "
                    f"({p.friction:.3f}) stops it about {stop - x0:.3f} m further, in the goal."
                ),
            ),
            horizon_s=max(4.0, min(8.0, 2 * speed / (p.friction * G) + 2.0)),
        )


def _table(length: float, width: float, height: float) -> list[Piece]:
    """Return a table top spanning x in [0, length] on four legs standing on the floor."""
    top = box_piece([length, width, TOP_T], [length / 2, 0.0, height - TOP_T / 2])
    # Legs reach 1 mm into the top so the part fuses into one solid.
    leg_h = height - TOP_T + 0.001
    legs = [
        box_piece([LEG, LEG, leg_h], [x, y, leg_h / 2])
        for x in (LEG / 2 + 0.02, length - LEG / 2 - 0.02)
        for y in (-width / 2 + LEG / 2 + 0.02, width / 2 - LEG / 2 - 0.02)
    ]
    return [top, *legs]


FAMILY = PushToGoal
