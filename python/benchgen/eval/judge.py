"""Judge one proposal: check it against the action space, simulate it, say what happened.

:func:`judge` is what ``benchgen eval``, the Gymnasium environment and ``POST /api/solve``
all call, so a solution gets the same outcome whichever door it came through. It runs in
worker processes (:class:`JudgePool`): each keeps the specs and compiled models of the
scenarios it has seen, since loading a model costs more than a short trial.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import mujoco

from benchgen.errors import BenchgenError
from benchgen.eval.models import INVALID_ACTION, Outcome
from benchgen.mjcf.builder import compile_mjspec, load_mjspec
from benchgen.spec.io import load_spec
from benchgen.spec.models import ScenarioSpec, Solution
from benchgen.verify.simulate import simulate
from benchgen.verify.solution import solution_problems

__all__ = ["JudgePool", "invalid", "judge", "judge_json"]

_PR_SET_PDEATHSIG = 1


@lru_cache(maxsize=32)
def _scenario(folder: str) -> tuple[ScenarioSpec, mujoco.MjModel]:
    path = Path(folder)
    spec = load_spec(path / "scenario.json")
    return spec, compile_mjspec(load_mjspec(path / "model.xml"), path)


def invalid(problems: list[str]) -> Outcome:
    """Return the outcome of a proposal that cannot be run: INVALID_ACTION, with why."""
    return Outcome(
        success=False,
        reason=INVALID_ACTION,
        detail="; ".join(problems) or "no solution was given",
        problems=problems,
    )


def judge(folder: Path | str, solution: Solution) -> Outcome:
    """Return the outcome of ``solution`` in the scenario of ``folder`` (never raises on it).

    The solution is checked first (:func:`benchgen.verify.solution.solution_problems`): a
    breach of the action space is an ``INVALID_ACTION`` failure listing every breach. A
    valid one is simulated in MuJoCo under the scenario's success rule.
    """
    spec, model = _scenario(str(folder))
    problems = solution_problems(spec, solution)
    if problems:
        return invalid(problems)
    try:
        trial = simulate(spec, Path(folder), action="solution", solution=solution, model=model)
    except (BenchgenError, ValueError) as exc:  # MuJoCo refused the placed parts
        return invalid([f"the solution could not be simulated: {exc}"])
    return Outcome(
        success=trial.outcome == "success",
        reason=None if trial.reason is None else trial.reason.value,
        detail=trial.detail,
        closest_distance=trial.closest_distance,
        final_position=trial.final_position,
        entered_s=trial.entered_s,
        won_s=trial.won_s,
        sim_time_s=trial.sim_time_s,
    )


def judge_json(folder: str, solution_json: str) -> str:
    """Return :func:`judge` of a solution given as JSON, as JSON (for worker processes)."""
    return judge(folder, Solution.model_validate_json(solution_json)).model_dump_json()


def _worker_init() -> None:
    """Ignore Ctrl-C (the parent stops the run) and die with the parent process."""
    import ctypes

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:
        os._exit(1)


class JudgePool:
    """Worker processes that judge solutions (``spawn``: no fork of a threaded parent)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: Executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
        )

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers (``cancel``: drop the solutions still waiting)."""
        self.executor.shutdown(wait=True, cancel_futures=cancel)
