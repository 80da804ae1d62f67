"""The generation child process a job runs in, and the warmed-up one benchgen serve keeps."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from benchgen.server.jobs import ChildRunner

pytestmark = pytest.mark.slow  # spawned processes, a warm-up build with renders


def _wait(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_warm_runner_keeps_a_child_ready_runs_the_job_in_it_and_stops_it(
    tmp_path: Path,
) -> None:
    runner = ChildRunner(warm=True)
    try:
        runner.prepare()
        assert _wait(runner.warm, 240), "the spare generation process never warmed up"
        spare = runner._spare
        assert spare is not None
        events: list[tuple[str, dict[str, Any]]] = []
        request = {"family": "push_to_goal", "count": 1, "seed": 7, "renders": False}
        summary = runner(
            request, tmp_path, 1, lambda k, p: events.append((k, p)), threading.Event()
        )
        assert summary["promoted"] == 1
        assert not spare.process.is_alive()  # the warm child ran this job and ended
        assert any(kind == "outcome" for kind, _ in events)
        assert runner._spare is not None and runner._spare is not spare  # the next one
    finally:
        runner.close()
    assert runner._spare is None and not runner.warm()


def test_a_cold_runner_starts_a_child_per_job(tmp_path: Path) -> None:
    runner = ChildRunner(warm=False)
    runner.prepare()
    assert runner._spare is None and not runner.warm()
    request = {"family": "push_to_goal", "count": 1, "seed": 7, "renders": False}
    summary = runner(request, tmp_path, 1, lambda k, p: None, threading.Event())
    assert summary["promoted"] == 1 and runner._spare is None
