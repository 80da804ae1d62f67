"""Scores of a run: success@1, success@K, PHYRE's AUCCESS, and where the failures came from.

An agent's *task* is one scenario; it ends at its first success or after K attempts.
``success@k`` is the share of tasks solved within k attempts. AUCCESS follows PHYRE
(Bakhtin et al. 2019, ``phyre.metrics``): the area under the success@k curve with weights
``w_k = log(k + 1) - log(k)`` for ``k = 1..K``, ``Σ w_k · success@k / Σ w_k``, so solving
with fewer attempts scores higher. Unlike PHYRE, an invalid action is not free: it counts
as an attempt (``INVALID_ACTION``), as does an answer the endpoint never gave.

Scores are computed over finished tasks only (solved, or K attempts made); a run that was
stopped reports how many tasks are still open.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from benchgen.eval.models import Episode

__all__ = ["AgentScore", "Breakdown", "Results", "auccess", "score_agent", "score_run"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def auccess(solved_at: Iterable[int | None], *, attempts: int) -> float:
    """Return PHYRE's AUCCESS of tasks solved at the given attempt (None: unsolved)."""
    firsts = list(solved_at)
    if not firsts:
        return 0.0
    num = den = 0.0
    for k in range(1, attempts + 1):
        weight = math.log(k + 1) - math.log(k)
        num += weight * sum(1 for s in firsts if s is not None and s <= k) / len(firsts)
        den += weight
    return num / den


class Breakdown(_Model):
    """Scores of a group of tasks (one family, or one difficulty tier)."""

    tasks: int
    success_at_1: float
    success_at_k: float
    auccess: float


class AgentScore(_Model):
    """Everything the leaderboard shows of one agent in one run."""

    agent: str
    attempts: int = Field(description="K")
    tasks: int = Field(description="Finished tasks (solved, or K attempts made).")
    open_tasks: int = Field(description="Tasks started but not finished (an interrupted run).")
    solved: int
    success_at_1: float
    success_at_k: float
    success_curve: list[float] = Field(description="success@k for k = 1..K.")
    auccess: float
    episodes: int
    failures: dict[str, int] = Field(description="Failed attempts by reason.")
    final_failures: dict[str, int] = Field(
        description="Unsolved tasks by the reason of their last attempt."
    )
    per_family: dict[str, Breakdown]
    per_tier: dict[str, Breakdown]
    tokens: int
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    tokens_per_solved: float | None
    cost_usd: float
    cost_per_solved_usd: float | None
    agent_seconds: float
    sim_seconds: float
    endpoint_errors: int


class Results(_Model):
    """results.json of a run."""

    run: str
    dataset: str
    attempts: int
    scenarios: int
    agents: list[AgentScore]


def _solved_at(episodes: list[Episode]) -> int | None:
    wins = [e.attempt for e in episodes if e.outcome.success]
    return min(wins) if wins else None


def _finished(episodes: list[Episode], attempts: int) -> bool:
    return _solved_at(episodes) is not None or len({e.attempt for e in episodes}) >= attempts


def _breakdown(firsts: list[int | None], attempts: int) -> Breakdown:
    n = max(len(firsts), 1)
    return Breakdown(
        tasks=len(firsts),
        success_at_1=sum(1 for s in firsts if s == 1) / n,
        success_at_k=sum(1 for s in firsts if s is not None) / n,
        auccess=auccess(firsts, attempts=attempts),
    )


def _per(groups: dict[str, list[int | None]], attempts: int) -> dict[str, Breakdown]:
    return {name: _breakdown(firsts, attempts) for name, firsts in sorted(groups.items())}


def score_agent(agent: str, episodes: list[Episode], *, attempts: int) -> AgentScore:
    """Return the scores of ``agent`` from its episodes."""
    tasks: dict[str, list[Episode]] = defaultdict(list)
    for episode in episodes:
        tasks[episode.scenario].append(episode)
    finished = {k: v for k, v in tasks.items() if _finished(v, attempts)}
    firsts = {k: _solved_at(v) for k, v in finished.items()}
    families: dict[str, list[int | None]] = defaultdict(list)
    tiers: dict[str, list[int | None]] = defaultdict(list)
    final_failures: Counter[str] = Counter()
    for scenario, runs in finished.items():
        families[runs[0].family].append(firsts[scenario])
        tiers[runs[0].tier].append(firsts[scenario])
        if firsts[scenario] is None:
            last = max(runs, key=lambda e: e.attempt)
            final_failures[last.outcome.reason or "UNKNOWN"] += 1
    overall = _breakdown(list(firsts.values()), attempts)
    solved = sum(1 for s in firsts.values() if s is not None)
    tokens = sum(e.tokens.total for e in episodes)
    cost = sum(e.cost_usd for e in episodes)
    n = max(len(firsts), 1)
    return AgentScore(
        agent=agent,
        attempts=attempts,
        tasks=len(finished),
        open_tasks=len(tasks) - len(finished),
        solved=solved,
        success_at_1=overall.success_at_1,
        success_at_k=overall.success_at_k,
        success_curve=[
            sum(1 for s in firsts.values() if s is not None and s <= k) / n
            for k in range(1, attempts + 1)
        ],
        auccess=overall.auccess,
        episodes=len(episodes),
        failures=dict(
            sorted(
                Counter(
                    e.outcome.reason or "UNKNOWN" for e in episodes if not e.outcome.success
                ).items()
            )
        ),
        final_failures=dict(sorted(final_failures.items())),
        per_family=_per(families, attempts),
        per_tier=_per(tiers, attempts),
        tokens=tokens,
        prompt_tokens=sum(e.tokens.prompt for e in episodes),
        completion_tokens=sum(e.tokens.completion for e in episodes),
        llm_calls=sum(e.tokens.calls for e in episodes),
        tokens_per_solved=tokens / solved if solved else None,
        cost_usd=round(cost, 6),
        cost_per_solved_usd=round(cost / solved, 6) if solved else None,
        agent_seconds=round(sum(e.agent_seconds for e in episodes), 3),
        sim_seconds=round(sum(e.sim_seconds for e in episodes), 3),
        endpoint_errors=sum(1 for e in episodes if e.error is not None),
    )


def score_run(
    run: str,
    dataset: str,
    episodes: list[Episode],
    *,
    attempts: int,
    agents: list[str],
    scenarios: int,
) -> Results:
    """Return results.json of a run: one score per agent, in the order they were asked for."""
    by_agent: dict[str, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_agent[episode.agent].append(episode)
    return Results(
        run=run,
        dataset=dataset,
        attempts=attempts,
        scenarios=scenarios,
        agents=[score_agent(a, by_agent.get(a, []), attempts=attempts) for a in agents],
    )
