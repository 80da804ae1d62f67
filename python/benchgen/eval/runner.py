"""Run agents on scenarios: propose, judge, feed back, record; concurrently and resumably.

Each (agent, scenario) pair is a task of up to K attempts. Tasks run concurrently as
asyncio tasks (at most ``concurrency`` at once; an LLM agent also limits its calls in
flight), and every solution is judged in a pool of worker processes
(:class:`~benchgen.eval.judge.JudgePool`). An attempt is recorded in the run's
episodes.jsonl the moment it is judged (:class:`~benchgen.eval.episodes.EpisodeLog`):
stopping the run (Ctrl-C, a kill, a crash) loses only attempts in flight, and running the
same command again hands every agent its history from the file and goes on from there.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchgen.errors import BenchgenError, EvalError
from benchgen.eval.agents.base import Agent, AttemptContext
from benchgen.eval.dataset import EvalScenario
from benchgen.eval.episodes import RESULTS, RUN_JSON, EpisodeLog, read_episodes, read_settings
from benchgen.eval.judge import JudgePool, invalid, judge_json
from benchgen.eval.models import ENDPOINT_ERROR, Episode, Outcome, Proposal, RunSettings
from benchgen.eval.scores import Results, score_run

__all__ = ["EvalProgress", "run_eval", "write_results"]


@dataclass
class EvalProgress:
    """Counts a progress display shows; updated after every episode."""

    tasks: int
    done_tasks: int = 0
    episodes: int = 0
    resumed_episodes: int = 0
    solved: int = 0
    tokens: int = 0


OnEpisode = Callable[[Episode, EvalProgress], None]


def _settings(run: Path, wanted: RunSettings) -> RunSettings:
    """Return the run's settings, merged with an earlier start of the same run."""
    earlier = read_settings(run)
    if earlier is None:
        return wanted
    for field in ("attempts", "seed"):
        if getattr(earlier, field) != getattr(wanted, field):
            raise EvalError(
                f"{run} was started with --{field} {getattr(earlier, field)}, not "
                f"{getattr(wanted, field)}: pass the same value to resume it, or a new --out"
            )
    return earlier.model_copy(
        update={
            "scenarios": list(dict.fromkeys(earlier.scenarios + wanted.scenarios)),
            "agents": list(dict.fromkeys(earlier.agents + wanted.agents)),
        }
    )


def _write_json(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_results(run: Path) -> Results:
    """Score the episodes of ``run`` and write its results.json."""
    settings = read_settings(run)
    if settings is None:
        raise EvalError(f"{run} has no {RUN_JSON}: it is not a benchgen eval run folder")
    results = score_run(
        str(run),
        settings.dataset,
        read_episodes(run),
        attempts=settings.attempts,
        agents=settings.agents,
        scenarios=len(settings.scenarios),
    )
    _write_json(run / RESULTS, results.model_dump_json(indent=2) + "\n")
    return results


class _Run:
    def __init__(
        self,
        log: EpisodeLog,
        pool: JudgePool,
        settings: RunSettings,
        progress: EvalProgress,
        on_episode: OnEpisode | None,
    ) -> None:
        self.log, self.pool, self.settings = log, pool, settings
        self.progress, self.on_episode = progress, on_episode

    async def _judge(self, scenario: EvalScenario, proposal: Proposal) -> Outcome:
        if proposal.error is not None:
            return Outcome(success=False, reason=ENDPOINT_ERROR, detail=proposal.error)
        if proposal.solution is None:
            return invalid(proposal.problems)
        loop = asyncio.get_running_loop()
        try:
            text = await loop.run_in_executor(
                self.pool.executor,
                judge_json,
                str(scenario.folder),
                proposal.solution.model_dump_json(),
            )
        except BenchgenError as exc:
            raise EvalError(f"scenario {scenario.id} could not be judged: {exc}") from exc
        return Outcome.model_validate_json(text)

    def _record(self, episode: Episode, *, last: bool) -> None:
        self.log.append(episode)
        self.progress.episodes += 1
        self.progress.tokens += episode.tokens.total
        self.progress.solved += int(episode.outcome.success)
        self.progress.done_tasks += int(last)
        if self.on_episode is not None:
            self.on_episode(episode, self.progress)

    async def task(self, agent: Agent, scenario: EvalScenario, history: list[Episode]) -> None:
        attempts = self.settings.attempts
        for attempt in range(len(history) + 1, attempts + 1):
            context = AttemptContext(
                scenario, attempt, attempts, self.settings.seed, tuple(history)
            )
            proposal = await agent.propose(context)
            started = time.perf_counter()
            outcome = await self._judge(scenario, proposal)
            episode = Episode(
                agent=agent.label,
                scenario=scenario.id,
                family=scenario.family,
                tier=scenario.tier,
                attempt=attempt,
                attempts=attempts,
                solution=proposal.solution,
                answer=proposal.answer,
                messages=proposal.messages,
                outcome=outcome,
                error=proposal.error,
                tokens=proposal.tokens,
                cost_usd=proposal.cost_usd,
                agent_seconds=proposal.agent_seconds,
                sim_seconds=round(time.perf_counter() - started, 4),
                finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            self._record(episode, last=outcome.success or attempt == attempts)
            history.append(episode)
            if outcome.success:
                return


def _histories(episodes: list[Episode]) -> dict[tuple[str, str], list[Episode]]:
    histories: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for episode in sorted(episodes, key=lambda e: e.attempt):
        histories[episode.agent, episode.scenario].append(episode)
    return histories


def _open(history: list[Episode], attempts: int) -> bool:
    return len(history) < attempts and not any(e.outcome.success for e in history)


async def run_eval(
    scenarios: list[EvalScenario],
    agents: list[Agent],
    *,
    run: Path,
    dataset: str,
    attempts: int,
    seed: int = 0,
    workers: int = 2,
    concurrency: int = 4,
    on_episode: OnEpisode | None = None,
    on_start: Callable[[EvalProgress], None] | None = None,
) -> Results:
    """Run every agent on every scenario, up to ``attempts`` tries each, and score the run.

    Args:
        scenarios: the problems (:func:`benchgen.eval.load_dataset`).
        agents: the agents, each with a distinct label.
        run: the run folder (created; an existing one is resumed).
        dataset: the dataset's path, recorded in run.json.
        attempts: K, attempts per scenario (a task stops at its first success).
        seed: the seed of every agent's random numbers.
        workers: processes that simulate solutions.
        concurrency: tasks in flight at once.
        on_episode: called after each recorded episode (a progress bar).
        on_start: called once the run knows how much is left to do.

    Raises:
        EvalError: run.json asks for other attempts or seed, or a scenario cannot be judged.
    """
    labels = [a.label for a in agents]
    if len(set(labels)) != len(labels):
        raise EvalError(
            f"two agents have the same label in {labels}: give each config its own name"
        )
    wanted = RunSettings(
        dataset=dataset, attempts=attempts, seed=seed,
        scenarios=[s.id for s in scenarios], agents=labels,
    )  # fmt: skip
    run.mkdir(parents=True, exist_ok=True)
    settings = _settings(run, wanted)
    _write_json(run / RUN_JSON, settings.model_dump_json(indent=2) + "\n")
    histories = _histories(read_episodes(run))
    todo = [
        (agent, scenario, histories[agent.label, scenario.id])
        for agent in agents
        for scenario in scenarios
        if _open(histories[agent.label, scenario.id], attempts)
    ]
    progress = EvalProgress(tasks=len(agents) * len(scenarios))
    progress.done_tasks = progress.tasks - len(todo)
    progress.resumed_episodes = sum(len(h) for h in histories.values())
    progress.solved = sum(1 for h in histories.values() for e in h if e.outcome.success)
    if on_start is not None:
        on_start(progress)
    limit = asyncio.Semaphore(concurrency)
    pool = JudgePool(workers)
    try:
        with EpisodeLog(run) as log:
            state = _Run(log, pool, settings, progress, on_episode)

            async def bounded(agent: Agent, scenario: EvalScenario, history: list[Episode]) -> None:
                async with limit:
                    await state.task(agent, scenario, history)

            try:
                async with asyncio.TaskGroup() as group:
                    for agent, scenario, history in todo:
                        group.create_task(bounded(agent, scenario, history))
            except ExceptionGroup as failed:  # the first failure, as itself
                raise failed.exceptions[0] from None
    finally:
        pool.close(cancel=True)
    return write_results(run)
