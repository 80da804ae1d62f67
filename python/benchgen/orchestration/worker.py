"""A Temporal worker: runs the dataset workflow and builds scenarios, on any machine.

Start one per machine (``benchgen worker --address HOST:PORT``); each polls the task
queue and builds up to ``max_concurrent`` scenarios at once in a pool of processes that
import build123d and MuJoCo once, then reuse them for every scenario they build.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from typing import Literal

from temporalio.client import Client
from temporalio.worker import SharedStateManager, Worker

from benchgen.orchestration.activities import build_scenario_activity, record_attempt_activity
from benchgen.orchestration.errors import ClusterError
from benchgen.orchestration.workflows import GenerateDatasetWorkflow

__all__ = ["DEFAULT_TASK_QUEUE", "connect", "run_worker", "running_worker"]

DEFAULT_TASK_QUEUE = "benchgen"
GRACEFUL_SHUTDOWN = timedelta(seconds=60)
ExecutorKind = Literal["process", "thread"]


async def connect(address: str, *, namespace: str = "default") -> Client:
    """Connect to the Temporal frontend at ``address`` (``host:port``).

    Raises:
        ClusterError: nothing answers at ``address``.
    """
    try:
        return await Client.connect(address, namespace=namespace)
    except RuntimeError as exc:
        raise ClusterError(
            f"cannot reach the Temporal server at {address} ({exc}): start one with "
            "`benchgen temporal-dev` or pass the right --address"
        ) from exc


def _worker_init() -> None:
    """Import the heavy libraries once per worker process, not once per scenario."""
    import build123d  # noqa: F401
    import mujoco  # noqa: F401


@contextmanager
def _activity_executor(
    kind: ExecutorKind, max_concurrent: int
) -> Iterator[tuple[Executor, SharedStateManager | None]]:
    if kind == "thread":  # tests and debugging: no process start-up, shares the GIL
        with ThreadPoolExecutor(max_concurrent, thread_name_prefix="benchgen-activity") as pool:
            yield pool, None
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process running gRPC threads
    with context.Manager() as manager:
        shared = SharedStateManager.create_from_multiprocessing(manager)  # heartbeats, cancel
        with ProcessPoolExecutor(
            max_concurrent, mp_context=context, initializer=_worker_init
        ) as pool:
            yield pool, shared


@asynccontextmanager
async def running_worker(
    client: Client,
    task_queue: str = DEFAULT_TASK_QUEUE,
    *,
    max_concurrent: int,
    executor: ExecutorKind = "process",
) -> AsyncIterator[Worker]:
    """Run a worker for the dataset workflow and its activities while the block runs.

    Args:
        client: a connected Temporal client.
        task_queue: the queue the client submits jobs to.
        max_concurrent: scenarios built at once (processes in the pool).
        executor: ``process`` (one build123d import per process) or ``thread``.
    """
    if max_concurrent < 1:
        raise ClusterError(f"max_concurrent must be at least 1, got {max_concurrent}")
    with _activity_executor(executor, max_concurrent) as (pool, shared):
        worker = Worker(
            client,
            task_queue=task_queue,
            workflows=[GenerateDatasetWorkflow],
            activities=[build_scenario_activity, record_attempt_activity],
            activity_executor=pool,
            shared_state_manager=shared,
            max_concurrent_activities=max_concurrent,
            # On shutdown let running builds finish and report, rather than be retried.
            graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        )
        async with worker:
            yield worker


async def _serve(
    address: str, task_queue: str, max_concurrent: int, namespace: str, executor: ExecutorKind
) -> None:
    client = await connect(address, namespace=namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Without a handler SIGTERM kills this process alone and orphans the pool processes.
        loop.add_signal_handler(signum, stop.set)
    async with running_worker(client, task_queue, max_concurrent=max_concurrent, executor=executor):
        await stop.wait()


def run_worker(
    address: str,
    task_queue: str = DEFAULT_TASK_QUEUE,
    *,
    max_concurrent: int | None = None,
    namespace: str = "default",
    executor: ExecutorKind = "process",
) -> None:
    """Serve the task queue until SIGINT or SIGTERM (running builds finish first, up to 60 s).

    Args:
        address: the Temporal frontend, ``host:port``.
        task_queue: the queue to poll.
        max_concurrent: scenarios built at once; default one per CPU.
        namespace: the Temporal namespace.
        executor: ``process`` or ``thread`` (see :func:`running_worker`).

    Raises:
        ClusterError: the server cannot be reached.
    """
    asyncio.run(
        _serve(address, task_queue, max_concurrent or os.cpu_count() or 1, namespace, executor)
    )
