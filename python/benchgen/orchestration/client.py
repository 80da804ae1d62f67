"""Submit a dataset job to a Temporal cluster and follow it: the cluster twin of ``generate``.

:func:`generate_on_cluster` takes the arguments of :func:`benchgen.pipeline.generate`,
starts (or re-attaches to) a :class:`GenerateDatasetWorkflow`, reports each outcome as
the workers produce it and returns the same :class:`GenerateReport`.

The workflow id is derived from the request, so running the same command again while
the job runs attaches to it instead of starting a second one, and running it after the
job ended starts a new run that skips every scenario already on disk (a resume).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from benchgen.errors import InvalidSpecError
from benchgen.families import get_family
from benchgen.orchestration.errors import ClusterError
from benchgen.orchestration.worker import DEFAULT_TASK_QUEUE, connect
from benchgen.orchestration.workflows import QUERY_PAGE, GenerateDatasetWorkflow, GenerateRequest
from benchgen.pipeline.batch import FamilyProgress, GenerateReport, validate_request
from benchgen.pipeline.build import BuildOutcome
from benchgen.store import Store

__all__ = ["generate_on_cluster", "generate_on_cluster_async", "workflow_id"]

OutcomeCallback = Callable[[BuildOutcome], None]
P = ParamSpec("P")
R = TypeVar("R")
# A query waits for a worker to answer; with none polling, give up and ask again later.
QUERY_TIMEOUT = timedelta(seconds=5)


def workflow_id(request: GenerateRequest) -> str:
    """Return the workflow id of a request: the same request gives the same id."""
    text = json.dumps(dataclasses.asdict(request), sort_keys=True)
    return f"benchgen-generate-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _make_request(
    families: Sequence[str],
    *,
    count: int,
    seed: int,
    out: Path,
    renders: bool,
    godot: bool,
    overrides: Mapping[str, Any] | None,
    attempts_factor: int,
    max_in_flight: int,
    store_url: str | None,
) -> GenerateRequest:
    """Validate the arguments here, where a mistake is cheap, and build the request."""
    # The build processes are the cluster's workers, not this machine's: check one here.
    validate_request(families, count, seed, 1)
    if max_in_flight < 1:
        raise InvalidSpecError(f"max_in_flight must be at least 1, got {max_in_flight}")
    if overrides:
        for name in families:
            get_family(name).sample(seed, overrides)  # fail now, with the family's message
    return GenerateRequest(
        families=list(families),
        count=count,
        seed=seed,
        out=str(out.resolve()),  # workers run elsewhere, from another working directory
        overrides=dict(overrides) if overrides else None,
        renders=renders,
        godot=godot,
        attempts_factor=attempts_factor,
        max_in_flight=max_in_flight,
        store_url=store_url,
    )


async def _drain(
    handle: WorkflowHandle[Any, Any],
    seen: list[BuildOutcome],
    on_outcome: OutcomeCallback | None,
) -> None:
    """Fetch the outcomes not seen yet, page by page, and pass each to ``on_outcome``."""
    while True:
        page = await handle.query(
            GenerateDatasetWorkflow.outcomes, len(seen), rpc_timeout=QUERY_TIMEOUT
        )
        for data in page:
            outcome = BuildOutcome.model_validate(data)
            seen.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        if len(page) < QUERY_PAGE:
            return


async def _follow(
    handle: WorkflowHandle[Any, Any],
    on_outcome: OutcomeCallback | None,
    cancel: threading.Event | None,
    poll_interval_s: float,
) -> tuple[dict[str, Any] | None, list[BuildOutcome]]:
    """Poll outcomes until the workflow ends; return its result (None if cancelled)."""
    seen: list[BuildOutcome] = []
    result = asyncio.ensure_future(handle.result())
    cancelled = False
    while not result.done():
        await asyncio.wait([result], timeout=poll_interval_s)
        if cancel is not None and cancel.is_set() and not cancelled:
            await handle.cancel()  # running builds finish; nothing half-written stays
            cancelled = True
        try:
            await _drain(handle, seen, on_outcome)
        except RPCError:
            pass  # no worker answered (none running, or the first task is pending): retry
    try:
        summary: dict[str, Any] = result.result()
    except WorkflowFailureError as exc:
        if cancelled:
            return None, seen
        raise ClusterError(f"the dataset workflow {handle.id} failed: {exc.cause or exc}") from exc
    if len(seen) < summary["attempts"]:
        try:
            await _drain(handle, seen, on_outcome)  # a query on a closed run replays on a worker
        except RPCError:
            pass  # every worker left already: the report lacks the last outcomes, the store not
    return summary, seen


async def generate_on_cluster_async(
    families: Sequence[str],
    *,
    count: int,
    seed: int,
    out: Path,
    address: str | None = None,
    client: Client | None = None,
    task_queue: str = DEFAULT_TASK_QUEUE,
    namespace: str = "default",
    renders: bool = False,
    godot: bool = True,
    overrides: Mapping[str, Any] | None = None,
    attempts_factor: int = 3,
    max_in_flight: int = 64,
    store_url: str | None = None,
    on_outcome: OutcomeCallback | None = None,
    cancel: threading.Event | None = None,
    poll_interval_s: float = 0.5,
) -> GenerateReport:
    """Generate ``count`` promoted scenarios per family on the workers of a Temporal cluster.

    Same schedule and report as :func:`benchgen.pipeline.generate`; the builds run on
    whatever workers poll ``task_queue`` (``benchgen worker``). :func:`generate_on_cluster`
    is the same call for code that is not async.

    Args:
        families: family names.
        count: promoted scenarios wanted per family.
        seed: the first seed tried; later attempts use the following seeds.
        out: the dataset folder; every worker must see it at this path (shared storage).
        address: the Temporal frontend, ``host:port`` (or pass ``client``).
        client: a connected client to reuse (async form only: it belongs to one event loop).
        task_queue: the queue the workers poll.
        namespace: the Temporal namespace.
        renders: render views, contact sheet and video of each promoted scenario.
        godot: export the Godot scene of each promoted scenario.
        overrides: parameter values fixed for every scenario.
        attempts_factor: give up on a family after ``count × attempts_factor`` attempts.
        max_in_flight: attempts scheduled at once (about twice the total worker concurrency).
        store_url: when set, workers record every attempt in this store, durably
            (it must be reachable from this machine and every worker: PostgreSQL for
            several machines; SQLite in ``out`` for one).
        on_outcome: called with each BuildOutcome as the workers finish it.
        cancel: set it to cancel the job; the report then has ``cancelled=True``.
        poll_interval_s: how often progress is asked for.

    Returns:
        The report of every attempt.

    Raises:
        InvalidSpecError: bad count, seed, max_in_flight or parameter overrides.
        UnknownFamilyError: an unknown family name.
        ClusterError: the server cannot be reached, or the workflow failed.
    """
    request = _make_request(
        families,
        count=count,
        seed=seed,
        out=out,
        renders=renders,
        godot=godot,
        overrides=overrides,
        attempts_factor=attempts_factor,
        max_in_flight=max_in_flight,
        store_url=store_url,
    )
    if store_url:
        Store(store_url)  # create the tables here, before worker processes race to do it
    if client is None:
        if address is None:
            raise ClusterError("pass the Temporal server as address='host:port' or a client")
        client = await connect(address, namespace=namespace)
    handle = await client.start_workflow(
        GenerateDatasetWorkflow.run,
        request,
        id=workflow_id(request),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    summary, outcomes = await _follow(handle, on_outcome, cancel, poll_interval_s)
    if summary is None:
        progress = await handle.query(GenerateDatasetWorkflow.progress)
        return GenerateReport(
            out=request.out,
            families=[FamilyProgress.model_validate(p) for p in progress],
            outcomes=outcomes,
            cancelled=True,
        )
    return GenerateReport(
        out=request.out,
        families=[FamilyProgress.model_validate(p) for p in summary["families"]],
        outcomes=outcomes,
    )


def _blocking(func: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """Return ``func`` as a plain function that runs it in a new event loop."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return asyncio.run(func(*args, **kwargs))

    return run


#: :func:`generate_on_cluster_async` for code that is not async (same arguments and report).
generate_on_cluster = _blocking(generate_on_cluster_async)
