"""Temporal activities: build one scenario, record one attempt in the store.

One activity builds one whole scenario (layout, cad, mjcf, verify, export, render).
The pipeline assembles a scenario in a temporary folder and renames it when complete
(:func:`benchgen.pipeline.build_scenario`); splitting the stages into separate activities
would let them land on different machines, which then need shared storage for the
half-built folder and would pay the build123d import and MuJoCo set-up once per stage.
Workers on several machines must therefore see the same ``out`` folder (a shared
filesystem) for the dataset to end up in one place.

Activities are plain (sync) functions, so the worker runs them in a process pool where
build123d is imported once per process (see :mod:`benchgen.orchestration.worker`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from temporalio import activity

__all__ = [
    "BUILD_ACTIVITY",
    "RECORD_ACTIVITY",
    "build_scenario_activity",
    "record_attempt_activity",
]

BUILD_ACTIVITY = "benchgen.build_scenario"
RECORD_ACTIVITY = "benchgen.record_attempt"


def _heartbeat(scenario_id: str, stage: str) -> None:
    """Tell the server this attempt is alive (a dead worker is noticed by the heartbeat timeout)."""
    activity.heartbeat(scenario_id, stage)


@activity.defn(name=BUILD_ACTIVITY)
def build_scenario_activity(
    family: str,
    seed: int,
    out: str,
    overrides: dict[str, Any] | None,
    renders: bool,
    godot: bool,
) -> dict[str, Any]:
    """Build one scenario into ``out`` and return its BuildOutcome as JSON.

    A rejection is a normal result (``status == "rejected"``), not an error; an exception
    means the attempt itself failed (crash, full disk) and Temporal retries it. A retry is
    safe: the folder is written atomically and a complete folder is skipped.
    """
    from benchgen.pipeline.batch import build_attempt

    outcome = build_attempt(
        family, seed, out, overrides=overrides, renders=renders, godot=godot, on_stage=_heartbeat
    )
    return outcome.model_dump(mode="json")


@cache
def _store(url: str) -> Any:
    """Open each store once per worker process (one engine and connection pool per URL)."""
    from benchgen.store import Store

    return Store(url)


@activity.defn(name=RECORD_ACTIVITY)
def record_attempt_activity(store_url: str, outcome: dict[str, Any], job_id: str) -> bool:
    """Add one attempt row to the store at ``store_url``; return False if it was already there.

    Temporal may deliver an activity more than once (a retry after a lost completion), so
    the row is keyed by ``(job_id, family, seed)``: one workflow run tries a seed once.
    """
    from sqlalchemy import select

    from benchgen.pipeline.build import BuildOutcome
    from benchgen.store import Attempt

    store = _store(store_url)
    with store.session() as session:
        existing = session.scalar(
            select(Attempt.id)
            .where(Attempt.job_id == job_id)
            .where(Attempt.family == outcome["family"])
            .where(Attempt.seed == outcome["seed"])
            .limit(1)
        )
    if existing is not None:
        return False
    store.record_attempt(BuildOutcome.model_validate(outcome), job_id=job_id)
    return True
