"""The baseline agents: null, random, oracle and a search that learns from each outcome.

- ``null`` does nothing (no push, no parts): it must fail everywhere (the gate's
  not-trivial check).
- ``random`` draws a uniform random action from the action space for every attempt,
  independently (:mod:`benchgen.eval.space`).
- ``oracle`` replays the scenario's reference solution from scenario.json: the one agent
  that reads beyond problem.json, as the reference score every other is measured against.
- ``search`` uses its K attempts the way a careful script would. Its first push is aimed
  at the goal's centre at the speed a sliding-friction estimate gives, with parts (if any)
  at a uniform random place. After each failure it starts from its best attempt so far
  (the closest approach to the goal) and corrects it: the push is turned by the angle
  between where the object ended and the goal, seen from the start, and its speed scaled
  by the square root of the distance ratio (sliding distance grows with the square of the
  speed); the rest of the action vector takes a Gaussian step around that best attempt, a
  (1+1) evolution strategy whose step shrinks as attempts pass. Its parts are always
  placed wholly inside the build zone (:class:`~benchgen.eval.space.ActionVector` with
  ``fit``), as a careful script would.
"""

from __future__ import annotations

import math
import time

import numpy as np

from benchgen.eval.agents.base import AttemptContext, attempt_rng
from benchgen.eval.models import Episode, Proposal
from benchgen.eval.space import ActionVector
from benchgen.spec.models import Solution
from benchgen.spec.problem import Problem

__all__ = ["NullAgent", "OracleAgent", "RandomAgent", "SearchAgent"]

_GRAVITY = 9.81
#: A rolling ball loses speed far slower than a sliding box: its first guess assumes this
#: much effective friction.
_ROLLING_FRICTION = 0.05
_MAX_TURN = math.radians(60)


class NullAgent:
    """No push, no parts."""

    label = "null"

    async def propose(self, context: AttemptContext) -> Proposal:
        return Proposal(solution=Solution(), answer="{}")


class RandomAgent:
    """A uniform random action from the action space, independently every attempt."""

    label = "random"

    async def propose(self, context: AttemptContext) -> Proposal:
        space = ActionVector(context.scenario.problem)
        solution = space.decode(space.uniform(attempt_rng(context, self.label)))
        return Proposal(solution=solution, answer=solution.model_dump_json())


class OracleAgent:
    """The reference solution of scenario.json (the score every other is measured against)."""

    label = "oracle"

    async def propose(self, context: AttemptContext) -> Proposal:
        reference = context.scenario.spec().reference_solution
        solution = Solution(push=reference.push, parts=reference.parts)
        return Proposal(solution=solution, answer=solution.model_dump_json())


def _aimed(problem: Problem, space: ActionVector) -> list[float]:
    """Return the push coordinates of a push at the goal centre at an estimated speed."""
    start, goal = problem.moved_object.start_position, problem.goal_zone.center
    dx, dy = goal[0] - start[0], goal[1] - start[1]
    distance = math.hypot(dx, dy)
    friction = (
        _ROLLING_FRICTION
        if problem.moved_object.shape == "sphere"
        else problem.moved_object.friction
    )
    push = problem.action_space.push
    assert push is not None
    speed = min(
        max(math.sqrt(2 * friction * _GRAVITY * distance), 0.05 * push.max_speed), push.max_speed
    )
    norm = max(distance, 1e-9)
    return space.encode_push([speed * dx / norm, speed * dy / norm, 0.0])


def _score(episode: Episode) -> float:
    """Return how far an attempt stayed from the goal (lower is better; inf: no trial)."""
    distance = episode.outcome.closest_distance
    return math.inf if distance is None else distance


def _corrected(problem: Problem, space: ActionVector, best: Episode, u: np.ndarray) -> None:
    """Turn and scale the push coordinates of ``u`` by where ``best`` left the object."""
    final = best.outcome.final_position
    if best.solution is None or best.solution.push is None or final is None:
        return
    start, goal = problem.moved_object.start_position, problem.goal_zone.center
    to_goal = (goal[0] - start[0], goal[1] - start[1])
    went = (final[0] - start[0], final[1] - start[1])
    vx, vy, vz = best.solution.push.velocity
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    if math.hypot(*went) < 0.01:  # it hardly moved: push harder in the same direction
        turn, factor = 0.0, 2.0
    else:
        turn = math.atan2(to_goal[1], to_goal[0]) - math.atan2(went[1], went[0])
        turn = max(-_MAX_TURN, min(_MAX_TURN, math.atan2(math.sin(turn), math.cos(turn))))
        factor = min(2.0, max(0.5, math.hypot(*to_goal) / math.hypot(*went))) ** 0.5
    c, s = math.cos(turn), math.sin(turn)
    velocity = [factor * (c * vx - s * vy), factor * (s * vx + c * vy), factor * vz]
    if speed > 0:
        u[: space.push] = space.encode_push(velocity)


class SearchAgent:
    """Search over the action space that learns from every outcome (module docstring)."""

    label = "search"

    def __init__(self, *, step: float = 0.15) -> None:
        self.step = step

    def _first(self, problem: Problem, space: ActionVector, rng: np.random.Generator) -> np.ndarray:
        u = space.uniform(rng)
        if space.push:
            u[: space.push] = _aimed(problem, space)
            if space.push == 3:
                u[2] = 0.5  # horizontal first
        return u

    def _next(
        self,
        problem: Problem,
        space: ActionVector,
        rng: np.random.Generator,
        history: tuple[Episode, ...],
        vectors: list[np.ndarray],
    ) -> np.ndarray:
        best = min(range(len(history)), key=lambda i: _score(history[i]))
        u = vectors[best].copy()
        sigma = self.step / math.sqrt(len(history))
        u[space.push :] += rng.normal(0.0, sigma, space.dims - space.push)
        if space.push:
            _corrected(problem, space, history[best], u)
            u[: space.push] += rng.normal(0.0, 0.01, space.push)
        return np.clip(u, 0.0, 1.0)

    def vectors(self, context: AttemptContext) -> list[np.ndarray]:
        """Return the points this agent chose for attempts 1..``context.attempt``."""
        problem = context.scenario.problem
        space = ActionVector(problem, fit=True)
        chosen: list[np.ndarray] = []
        for attempt in range(1, context.attempt + 1):
            at = AttemptContext(context.scenario, attempt, context.attempts, context.seed)
            rng = attempt_rng(at, self.label)
            if attempt == 1:
                chosen.append(self._first(problem, space, rng))
            else:
                history = context.history[: attempt - 1]
                chosen.append(self._next(problem, space, rng, history, chosen))
        return chosen

    async def propose(self, context: AttemptContext) -> Proposal:
        started = time.perf_counter()
        space = ActionVector(context.scenario.problem, fit=True)
        solution = space.decode(self.vectors(context)[-1])
        return Proposal(
            solution=solution,
            answer=solution.model_dump_json(),
            agent_seconds=round(time.perf_counter() - started, 6),
        )
