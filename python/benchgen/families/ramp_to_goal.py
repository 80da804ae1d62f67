"""ramp_to_goal: a ball rests on a shelf; pushed, it rolls down a ramp into a goal on the floor."""

from __future__ import annotations

import math

from benchgen.families.base import Family, FamilyParams, Layout, box, ranged, zone
from benchgen.spec.models import ActionSpace, PushAction, PushSpace, ReferenceSolution
from benchgen.spec.pieces import box_piece

__all__ = ["FAMILY", "RampToGoal"]

FLOOR_T = 0.05
PLANK_T = 0.02
GAP = 0.0005  # the ball starts 0.5 mm above its support (at most 2 mm: docs/architecture.md)
MAX_PUSH_SPEED = 3.0  # m/s: the action space's push limit (the same for every scenario)


class RampParams(FamilyParams):
    shelf_height: float = ranged(0.30, description="height of the shelf top (m)")
    shelf_length: float = ranged(0.40, description="length of the shelf along x (m)")
    ramp_run: float = ranged(0.60, description="horizontal run of the ramp (m)")
    width: float = ranged(0.30, description="width of shelf and ramp (m)")
    ball_radius: float = ranged(0.04, description="radius of the ball (m)")
    ball_mass: float = ranged(0.20, description="mass of the ball (kg)")
    setback: float = ranged(0.15, description="distance of the ball from the shelf edge (m)")
    goal_distance: float = ranged(0.40, description="distance from ramp foot to goal centre (m)")
    goal_length: float = ranged(0.25, description="length of the goal zone (m)")
    friction: float = ranged(0.8, spread=0.3, description="friction of every surface")


class RampToGoal(Family):
    name = "ramp_to_goal"
    description = (
        "A ball rests on a shelf; a push rolls it down a ramp into a goal zone on the floor, "
        "between two forbidden strips."
    )
    Params = RampParams

    def layout(self, params: FamilyParams) -> Layout:
        p = params if isinstance(params, RampParams) else RampParams.model_validate(params)
        h, run, w, r = p.shelf_height, p.ramp_run, p.width, p.ball_radius
        # The ramp's top face runs from the shelf edge (0, h) down to one plank thickness
        # above the floor, so the plank's lowest corner stays clear of the floor.
        z_end = PLANK_T + 1e-4
        length = math.hypot(run, h - z_end)
        slope = math.atan2(h - z_end, run)
        normal = (math.sin(slope), math.cos(slope))
        mid = (run / 2 - normal[0] * PLANK_T / 2, (h + z_end) / 2 - normal[1] * PLANK_T / 2)
        ramp = box_piece([length, w, PLANK_T], [mid[0], 0.0, mid[1]], pitch=math.degrees(slope))
        shelf = box_piece([p.shelf_length, w, h], [-p.shelf_length / 2, 0.0, h / 2])

        x_goal = run + p.goal_distance
        x_min, x_max = -p.shelf_length - 0.1, x_goal + p.goal_length / 2 + 0.3
        y_half = w / 2 + 0.35
        floor = box_piece(
            [x_max - x_min, 2 * y_half, FLOOR_T], [(x_min + x_max) / 2, 0.0, -FLOOR_T / 2]
        )
        goal_lo = x_goal - p.goal_length / 2
        goal = zone([goal_lo, -w / 2, 0.0], [goal_lo + p.goal_length, w / 2, 4 * r])
        strip = (w / 2 + 0.05, w / 2 + 0.25)
        forbid = [
            zone([run, strip[0], 0.0], [x_max, strip[1], 4 * r]),
            zone([run, -strip[1], 0.0], [x_max, -strip[0], 4 * r]),
        ]
        start = [-p.setback, 0.0, h + r + GAP]
        # Reach the shelf edge in about 0.4 s whatever the setback; a ball slows to 5/7 of
        # a push while it starts rolling, hence the margin.
        speed = round(max(0.45, 1.4 * p.setback / 0.4), 3)
        return Layout(
            task=(
                "Get the red ball from the shelf into the green goal zone on the floor "
                "without touching the red forbidden strips."
            ),
            workspace=box([x_min, -y_half, -FLOOR_T], [x_max, y_half, h + 0.6]),
            build_zone=zone([-p.shelf_length, -w / 2, h], [0.0, w / 2, h + 0.3]),
            goal_zone=goal,
            forbid_zones=forbid,
            static_parts=[
                self.part("floor", [floor], friction=p.friction, rgba=(0.55, 0.57, 0.6, 1)),
                self.part("track", [shelf, ramp], friction=p.friction, rgba=(0.7, 0.6, 0.45, 1)),
            ],
            moved_object=self.moved("sphere", [r], start, mass=p.ball_mass, friction=p.friction),
            action_space=ActionSpace(push=PushSpace(max_speed=MAX_PUSH_SPEED)),
            reference_solution=ReferenceSolution(
                push=PushAction(velocity=[speed, 0.0, 0.0]),
                description=f"Push the ball along +x at {speed} m/s; it rolls down the ramp.",
            ),
            horizon_s=6.0,
        )


FAMILY = RampToGoal
