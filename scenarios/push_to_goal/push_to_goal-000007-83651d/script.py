"""push_to_goal: a cube on a tilted table; one push must curve it to rest in the goal.

The table top slopes across the direction of the goal, so a sliding cube drifts downhill
as friction slows it: a push aimed straight at the goal stops below it, and the solver
has to aim uphill by the right amount, at the right speed. Friction holds the cube at
rest on the slope (μ > tan θ), so the cube stays where it stops: the dwell rule is met by
stopping in the goal, not by sliding through it. Pits lie along the low edge and beyond
the far end of the table.

Friction is drawn as ``grip`` × tan θ rather than on its own: the drift of an aimed push
is about ``D · sin θ / μ`` = ``D / grip``, so tying μ to the slope keeps that drift larger
than the goal for every draw (an independent μ made a third of the seeds solvable by
aiming straight at the goal, which the gate rejects).
"""

from __future__ import annotations

import math

import numpy as np

from benchgen.families.base import Family, FamilyParams, Layout, PushSearch, box, ranged, zone
from benchgen.spec.models import ActionSpace, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "PushToGoal"]

FLOOR_T = 0.05
TOP_T = 0.03  # table top thickness
GAP = 0.0005  # the cube starts 0.5 mm above the table (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)
G = 9.81
PIT_CLEAR = 0.04  # m between the table's edge and a pit


class PushParams(FamilyParams):
    table_height: float = ranged(0.40, description="height of the table top's centre (m)")
    table_length: float = ranged(1.00, description="length of the table along x (m)")
    table_width: float = ranged(0.70, description="width of the table, across the slope (m)")
    tilt_deg: float = ranged(
        9.0, description="slope of the table top across x (deg); friction holds the cube"
    )
    cube_side: float = ranged(0.06, description="side of the cube (m)")
    cube_mass: float = ranged(0.30, description="mass of the cube (kg)")
    start_margin: float = ranged(0.12, description="table behind the cube (m)")
    goal_distance: float = ranged(0.40, description="distance from the cube to the goal (m)")
    goal_offset: float = ranged(
        0.12, description="how far up the slope the goal lies, from the cube's line (m)"
    )
    goal_size: float = ranged(0.18, description="side of the square goal zone (m)")
    grip: float = ranged(
        2.0, description="friction of table and cube over the slope's tan θ (holds at rest > 1)"
    )


def slide(v0: np.ndarray, *, mu: float, tilt: float, dt: float = 1e-3) -> np.ndarray:
    """Return where a point sliding on a tilted plane comes to rest, in plane coordinates.

    The plane's x axis is level, its y axis points up the slope; gravity pulls ``g sin θ``
    down the slope and Coulomb friction ``μ g cos θ`` opposes the velocity until it stops
    (friction holds it then, as μ > tan θ).
    """
    p, v = np.zeros(2), np.asarray(v0, dtype=float)
    down = np.array([0.0, -G * math.sin(tilt)])
    fric = mu * G * math.cos(tilt)
    for _ in range(200_000):
        speed = float(np.linalg.norm(v))
        if speed * 1 < fric * dt:
            break
        v = v + (down - fric * v / speed) * dt
        p = p + v * dt
    return p


def aim(target: np.ndarray, *, mu: float, tilt: float) -> np.ndarray:
    """Return the plane velocity whose slide stops at ``target`` (a few Newton steps)."""
    v = target / np.linalg.norm(target) * math.sqrt(2 * mu * G * float(np.linalg.norm(target)))
    for _ in range(12):
        err = slide(v, mu=mu, tilt=tilt) - target
        if float(np.linalg.norm(err)) < 1e-4:
            break
        jac = np.empty((2, 2))
        for k in range(2):
            dv = np.zeros(2)
            dv[k] = 1e-3
            jac[:, k] = (slide(v + dv, mu=mu, tilt=tilt) - slide(v, mu=mu, tilt=tilt)) / 1e-3
        v = v - np.linalg.solve(jac, err)
    return v


class PushToGoal(Family):
    name = "push_to_goal"
    description = (
        "A cube rests on a table whose top slopes sideways; one push must curve it to rest "
        "in the goal, short of the pits along the low edge and beyond the far end."
    )
    Params = PushParams
    push_search = PushSearch(speed_span=0.12, angle_span_deg=6.0, steps=5)

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, PushParams) else PushParams.model_validate(params)
        s, tilt = p.cube_side, math.radians(p.tilt_deg)
        mu = round(p.grip * math.tan(tilt), 6)
        length, width, h = p.table_length, p.table_width, p.table_height
        c, sn = math.cos(tilt), math.sin(tilt)
        # The top surface passes through (0, 0, h); y is up the slope, rising by y·tan θ.
        x0 = -length / 2 + p.start_margin + s / 2
        y0 = -width / 4
        gx, gy = x0 + s / 2 + p.goal_distance, y0 + p.goal_offset

        def surface(x: float, y: float, up: float) -> list[float]:
            """Return the point ``up`` metres above the top surface at plane coordinates."""
            return [x, y * c - up * sn, h + y * sn + up * c]

        top = box_piece([length, width, TOP_T], surface(0.0, 0.0, -TOP_T / 2), roll=p.tilt_deg)
        low_z = h - (width / 2) * sn - TOP_T
        pedestal_h = low_z - 0.002
        pedestal = box_piece([0.5 * length, 0.5 * width, pedestal_h], [0.0, 0.0, pedestal_h / 2])
        start = surface(x0, y0, s / 2 + GAP)
        goal_c = surface(gx, gy, s / 2)
        rise = p.goal_size * sn
        goal = zone(
            [gx - p.goal_size / 2, goal_c[1] - p.goal_size / 2 * c, goal_c[2] - rise - s],
            [gx + p.goal_size / 2, goal_c[1] + p.goal_size / 2 * c, goal_c[2] + rise + s],
        )
        y_low = -width / 2 * c - PIT_CLEAR
        x_end = length / 2 + PIT_CLEAR
        pits = [
            zone([-length / 2, y_low - 0.25, 0.0], [length / 2 + 0.3, y_low, low_z - 0.05]),
            zone([x_end, -width / 2 * c, 0.0], [x_end + 0.3, width / 2 * c, low_z - 0.05]),
        ]
        v = aim(np.array([gx - x0, gy - y0]), mu=mu, tilt=tilt)
        push = [round(float(v[0]), 4), round(float(v[1]) * c, 4), round(float(v[1]) * sn, 4)]
        x_min, x_max = -length / 2 - 0.3, x_end + 0.4
        y_half = width / 2 + 0.4
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        return Layout(
            task=(
                "Push the red cube so that it comes to rest in the green goal zone on the "
                "sloping table, without falling into the red pits."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, h + 0.5]),
            build_zone=zone(
                [-length / 2, -width / 2 * c, h - 0.2], [length / 2, width / 2 * c, h + 0.3]
            ),
            goal_zone=goal,
            forbid_zones=pits,
            static_parts=[
                self.part("floor", [floor], friction=mu, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("table", [top], friction=mu, rgba=(0.7, 0.55, 0.4, 1)),
                self.part("pedestal", [pedestal], friction=mu, rgba=(0.5, 0.4, 0.3, 1)),
            ],
            moved_object=self.moved(
                "box", [s / 2] * 3, start, mass=p.cube_mass, friction=mu, roll=p.tilt_deg
            ),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED, directions="any")),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=push),
                description=(
                    "Push the cube up-slope of the goal: sliding friction slows it while the "
                    "slope bends its path down into the goal, where friction holds it."
                ),
            ),
            horizon_s=5.0,
        )


FAMILY = PushToGoal


# --- benchgen scenario footer ---------------------------------------------------------
# Scenario push_to_goal-000007-83651d, written by benchgen. Rebuild it on its own with
#     python script.py --seed 7 --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = 7
SCENARIO_PARAMS = {
    'cube_mass': 0.244,
    'cube_side': 0.0438,
    'goal_distance': 0.5233,
    'goal_offset': 0.1142,
    'goal_size': 0.1795,
    'grip': 1.6103,
    'mirrored': False,
    'start_margin': 0.1628,
    'table_height': 0.39,
    'table_length': 0.8707,
    'table_width': 0.7319,
    'tilt_deg': 12.5948,
    'yaw_deg': 71.7568,
}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
