"""One attempt through the backend: the solver behind ``POST /api/solve``.

The Godot agents (``BenchgenLLMAgent``) act through this, with the same agents, prompts
and checks as ``benchgen eval``: the request names the scenario, the agent (and the LLM
configuration), the attempt and the attempts so far with the outcomes Godot observed; the
answer is the agent's solution, its MuJoCo outcome (so the two engines can be compared
for the same solution) and the solution in Godot's frame, ready to apply.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from benchgen.errors import EvalError
from benchgen.eval.agents import make_agents
from benchgen.eval.agents.base import AttemptContext
from benchgen.eval.dataset import load_dataset
from benchgen.eval.judge import invalid, judge
from benchgen.eval.models import ENDPOINT_ERROR, Episode, Outcome, Proposal
from benchgen.export.godot_scene import solution_for_godot

__all__ = ["SolveTurn", "solve_attempt"]


class SolveTurn(BaseModel):
    """An earlier attempt as the caller hands it back: what was proposed and what happened."""

    model_config = ConfigDict(extra="ignore")

    solution: dict[str, Any] | None = None
    answer: str = ""
    messages: list[dict[str, Any]] = Field(default_factory=list)
    outcome: Outcome


def _history(
    scenario_id: str, family: str, turns: list[SolveTurn], attempts: int
) -> tuple[Episode, ...]:
    return tuple(
        Episode.model_validate(
            {
                "agent": "caller",
                "scenario": scenario_id,
                "family": family,
                "tier": "unknown",
                "attempt": index,
                "attempts": attempts,
                "solution": turn.solution,
                "answer": turn.answer,
                "messages": turn.messages,
                "outcome": turn.outcome,
            }
        )
        for index, turn in enumerate(turns, start=1)
    )


async def solve_attempt(
    folder: Path,
    *,
    agent: str,
    config: str | None,
    attempts: int,
    seed: int,
    history: list[SolveTurn],
) -> dict[str, Any]:
    """Return the agent's proposal for the next attempt at the scenario in ``folder``.

    Returns:
        ``{"agent", "attempt", "proposal", "mujoco", "godot"}``: the proposal (solution,
        answer, messages, tokens), its outcome in MuJoCo, and the solution in Godot's frame
        (None when there is nothing to apply).

    Raises:
        EvalError: the folder is not a scenario, or the attempt is past ``attempts``.
    """
    scenario = load_dataset(folder)[0]
    attempt = len(history) + 1
    if attempt > attempts:
        raise EvalError(f"attempt {attempt} is past the {attempts} attempts allowed")
    chosen = make_agents([agent], configs=[config] if config else None, concurrency=1)[0]
    context = AttemptContext(
        scenario, attempt, attempts, seed, _history(scenario.id, scenario.family, history, attempts)
    )
    proposal: Proposal = await chosen.propose(context)
    if proposal.error is not None:
        outcome = Outcome(success=False, reason=ENDPOINT_ERROR, detail=proposal.error)
    elif proposal.solution is None:
        outcome = invalid(proposal.problems)
    else:
        outcome = await asyncio.to_thread(judge, scenario.folder, proposal.solution)
    godot = None
    if proposal.solution is not None and not outcome.problems:
        godot = solution_for_godot(scenario.spec(), proposal.solution)
    return {
        "agent": chosen.label,
        "attempt": attempt,
        "proposal": proposal.model_dump(mode="json"),
        "mujoco": outcome.model_dump(mode="json"),
        "godot": godot,
    }
