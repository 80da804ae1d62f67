"""The Temporal workflow that generates a dataset: the same schedule as the process pool.

:class:`GenerateDatasetWorkflow` keeps the scheduling state of
:func:`benchgen.pipeline.generate` (``count`` promoted per family, the next seed after a
rejection, at most ``count × attempts_factor`` attempts per family; the scheduler object
is the very one ``generate`` uses) and hands every attempt to a worker as one
:data:`~benchgen.orchestration.activities.BUILD_ACTIVITY`. It runs no I/O, reads no
clock and draws no random numbers, so Temporal can replay it after a crash.

Where attempts are recorded: when the request names a ``store_url``, the workflow records
each attempt through :data:`~benchgen.orchestration.activities.RECORD_ACTIVITY` on a
worker, as part of the durable run: a row is written even when the client that started
the job has gone away, and a retried record is not written twice. The client can still
follow every outcome live through the ``outcomes`` query.

Limits: the result holds the per-family progress only (a workflow result is capped at
2 MB, about a thousand outcomes with their file hashes); outcomes are read through the
query or from the store. One run's history holds at most ~50,000 events, about 5,000
attempts: split bigger jobs by family.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from benchgen.orchestration.activities import build_scenario_activity, record_attempt_activity
    from benchgen.pipeline.batch import FamilyProgress, Schedule
    from benchgen.pipeline.build import BuildOutcome
    from benchgen.spec.models import FailureReason

__all__ = ["QUERY_PAGE", "GenerateDatasetWorkflow", "GenerateRequest"]

QUERY_PAGE = 200
HEARTBEAT = timedelta(minutes=3)
BUILD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=3,
    # A bad family or parameter fails the same way on every machine: do not retry it.
    non_retryable_error_types=["InvalidSpecError", "UnknownFamilyError"],
)
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
)


@dataclass
class GenerateRequest:
    """The input of one dataset job (the arguments of :func:`benchgen.pipeline.generate`).

    ``max_in_flight`` bounds the attempts scheduled at once; set it to about twice the
    total worker concurrency, as the process pool does.
    """

    families: list[str]
    count: int
    seed: int
    out: str
    overrides: dict[str, Any] | None = None
    renders: bool = False
    godot: bool = True
    attempts_factor: int = 3
    max_in_flight: int = 64
    store_url: str | None = None

    @property
    def build_timeout(self) -> timedelta:
        """Return the time one build may take on a worker (renders cost far more)."""
        return timedelta(minutes=30 if self.renders else 10)


def _failed_outcome(family: str, seed: int, error: ActivityError) -> dict[str, Any]:
    """Turn an attempt that failed on every retry into a rejection, so the job goes on."""
    cause = error.cause or error
    return BuildOutcome(
        scenario_id=f"{family}-seed{seed}",
        family=family,
        seed=seed,
        status="rejected",
        reasons=[FailureReason.BUILD_ERROR],
        detail=f"the build failed on every retry: {cause}",
    ).model_dump(mode="json")


@workflow.defn(name="benchgen.GenerateDataset")
class GenerateDatasetWorkflow:
    """Generate ``count`` promoted scenarios per family on the workers of a task queue."""

    def __init__(self) -> None:
        self._outcomes: list[dict[str, Any]] = []
        self._families: list[FamilyProgress] = []

    @workflow.run
    async def run(self, request: GenerateRequest) -> dict[str, Any]:
        """Schedule attempts until every family is complete or out of attempts.

        Returns:
            ``{"out", "families", "attempts"}``: a GenerateReport without its outcomes.
        """
        batch = Schedule(request.families, request.count, request.seed, request.attempts_factor)
        self._families = list(batch.progress.values())
        running: dict[asyncio.Task[dict[str, Any]], tuple[str, int]] = {}
        while True:
            while len(running) < request.max_in_flight and (task := batch.next_task()):
                running[asyncio.create_task(self._attempt(request, *task))] = task
            if not running:
                break
            done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            # Sets have no stable order across replays: handle completions in seed order.
            for finished in sorted(done, key=running.__getitem__):
                del running[finished]
                outcome = finished.result()
                batch.record(BuildOutcome.model_validate(outcome))
                self._outcomes.append(outcome)
        return {
            "out": request.out,
            "families": [f.model_dump(mode="json") for f in self._families],
            "attempts": len(self._outcomes),
        }

    async def _attempt(self, request: GenerateRequest, family: str, seed: int) -> dict[str, Any]:
        try:
            outcome: dict[str, Any] = await workflow.execute_activity(
                build_scenario_activity,
                args=[family, seed, request.out, request.overrides, request.renders, request.godot],
                start_to_close_timeout=request.build_timeout,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=BUILD_RETRY,
                summary=f"{family} seed {seed}",
            )
        except ActivityError as exc:
            outcome = _failed_outcome(family, seed, exc)
        if request.store_url:
            await workflow.execute_activity(
                record_attempt_activity,
                args=[request.store_url, outcome, workflow.info().run_id],
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=RECORD_RETRY,
            )
        return outcome

    @workflow.query(name="outcomes")
    def outcomes(self, since: int) -> list[dict[str, Any]]:
        """Return up to :data:`QUERY_PAGE` outcomes, from index ``since`` in arrival order."""
        return self._outcomes[since : since + QUERY_PAGE]

    @workflow.query(name="progress")
    def progress(self) -> list[dict[str, Any]]:
        """Return the FamilyProgress of every family, as JSON."""
        return [f.model_dump(mode="json") for f in self._families]
