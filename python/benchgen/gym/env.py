"""The environment class of :mod:`benchgen.gym` (see there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from pydantic import ValidationError

from benchgen.errors import EvalError
from benchgen.eval.dataset import EvalScenario, load_dataset
from benchgen.eval.judge import invalid, judge
from benchgen.eval.models import Outcome
from benchgen.eval.space import ActionVector
from benchgen.spec.models import Solution
from benchgen.spec.problem import Problem

__all__ = ["ENV_ID", "OBSERVATION_FIELDS", "BenchgenEnv"]

ENV_ID = "benchgen/Solve-v0"
OBSERVATION_BOUND = 1000.0
#: What each number of the observation is (the rest of the problem is in info["problem"]).
OBSERVATION_FIELDS = (
    "start_x", "start_y", "start_z",
    "goal_x", "goal_y", "goal_z", "goal_size_x", "goal_size_y", "goal_size_z", "goal_yaw_deg",
    "build_x", "build_y", "build_z", "build_size_x", "build_size_y", "build_size_z",
    "build_yaw_deg", "max_push_speed", "object_mass", "object_friction", "horizon_s",
)  # fmt: skip


def _observation(problem: Problem) -> np.ndarray:
    moved, goal, build = problem.moved_object, problem.goal_zone, problem.build_zone
    push = problem.action_space.push
    values = [
        *moved.start_position,
        *goal.center, *goal.size, goal.yaw_deg,
        *build.center, *build.size, build.yaw_deg,
        push.max_speed if push is not None else 0.0,
        moved.mass, moved.friction, problem.horizon_s,
    ]  # fmt: skip
    return np.asarray(values, dtype=np.float32)


class BenchgenEnv(gymnasium.Env[np.ndarray, Any]):
    """One-step episodes over the problems of a dataset (module docstring of benchgen.gym)."""

    metadata = {"render_modes": []}  # noqa: RUF012  (Gymnasium declares it so)

    def __init__(
        self,
        dataset: str | Path,
        *,
        families: list[str] | None = None,
        limit: int | None = None,
    ) -> None:
        self.scenarios: list[EvalScenario] = load_dataset(
            Path(dataset), families=families, limit=limit
        )
        self._spaces = {s.id: ActionVector(s.problem) for s in self.scenarios}
        self._dims = max(v.dims for v in self._spaces.values())
        self.action_space = spaces.Box(0.0, 1.0, shape=(self._dims,), dtype=np.float32)
        # Positions in metres, speeds, masses, frictions and seconds of table-top scenes.
        self.observation_space = spaces.Box(
            -OBSERVATION_BOUND,
            OBSERVATION_BOUND,
            shape=(len(OBSERVATION_FIELDS),),
            dtype=np.float32,
        )
        self.scenario: EvalScenario = self.scenarios[0]

    def _info(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "problem": self.scenario.problem.model_dump(mode="json"),
        }

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start an episode: the scenario ``options["scenario"]``, or one drawn at random."""
        super().reset(seed=seed)
        wanted = (options or {}).get("scenario")
        if wanted is not None:
            found = [s for s in self.scenarios if s.id == wanted]
            if not found:
                raise EvalError(f"{wanted!r} is not a scenario of this environment's dataset")
            self.scenario = found[0]
        else:
            self.scenario = self.scenarios[int(self.np_random.integers(len(self.scenarios)))]
        return _observation(self.scenario.problem), self._info()

    def _solution(self, action: Any) -> Solution | Outcome:
        if isinstance(action, Solution):
            return action
        if isinstance(action, dict):
            try:
                return Solution.model_validate(action)
            except ValidationError as exc:
                return invalid([f"the action is not a solution: {exc.errors()[0]['msg']}"])
        vector = np.asarray(action, dtype=float).reshape(-1)
        space = self._spaces[self.scenario.id]
        if vector.size < space.dims or not np.all(np.isfinite(vector)):
            return invalid([f"the action must be {self._dims} finite numbers in [0, 1]"])
        return space.decode(vector[: space.dims])

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Judge ``action`` in MuJoCo: reward 1 on success; the episode ends (one step)."""
        solution = self._solution(action)
        if isinstance(solution, Outcome):
            outcome = solution
        else:
            outcome = judge(self.scenario.folder, solution)
        info = {**self._info(), **outcome.model_dump(mode="json")}
        if isinstance(solution, Solution):
            info["solution"] = solution.model_dump(mode="json")
        reward = 1.0 if outcome.success else 0.0
        return _observation(self.scenario.problem), reward, True, False, info
