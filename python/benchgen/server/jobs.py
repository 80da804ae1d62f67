"""Jobs the server runs in the background: state in the store, work in other processes.

A generation job runs ``benchgen.pipeline.generate`` in a child process (spawned, so the
server never imports build123d and a crash in OCP or MuJoCo only fails the job); a
thread of the server reads the child's events and writes the job's state to the store,
so finished jobs survive a restart. One job runs at a time; at most ``max_queued`` wait
``queued`` behind it (:class:`QueueFullError` past that).

The child leads its own process group and asks the kernel for SIGTERM when the server
dies (``PR_SET_PDEATHSIG``); its handler kills the whole group, so neither the child nor
its worker pool, manager or resource tracker outlives a ``kill -9`` of the server. A job
left queued or running by a server that died is resumed when the next server starts
(generation skips what is complete on disk; an agent run resumes from its checkpoints);
a benchmark run is marked failed with the reason.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from benchgen.errors import BenchgenError
from benchgen.server.scenarios import THUMBNAIL_FILES
from benchgen.store import Job, Store

__all__ = [
    "ACTIVE_STATES",
    "MAX_QUEUED",
    "ChildRunner",
    "EventSink",
    "GenerateRunner",
    "JobManager",
    "LiveJob",
    "QueueFullError",
    "die_with_parent",
]

ACTIVE_STATES = ("queued", "running")
MAX_QUEUED = 16
RESTARTED = "the server stopped while this job ran, and it cannot be resumed: start it again"
RESUMED = "resumed after a server restart"
_RESUMABLE = ("generate", "agent")
_PR_SET_PDEATHSIG = 1


class QueueFullError(BenchgenError, RuntimeError):
    """Too many jobs are waiting already."""


def die_with_parent() -> None:
    """Lead a new process group that is killed, whole, when the parent process dies."""
    import ctypes

    os.setpgid(0, 0)

    def kill_group(_signum: int, _frame: object) -> None:
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, kill_group)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the request took effect
        kill_group(signal.SIGTERM, None)


class EventSink(Protocol):
    """Receives ``(kind, payload)`` events of a running job."""

    def __call__(self, kind: str, payload: dict[str, Any]) -> None: ...


#: Runs one generation request; returns a summary dict (raises on failure).
GenerateRunner = Callable[[dict[str, Any], Path, int, EventSink, threading.Event], dict[str, Any]]


def _child_main(request: dict[str, Any], out: str, workers: int, events: Any, cancel: Any) -> None:
    """Run ``generate`` for one job in a spawned process and send its events back."""
    from benchgen.pipeline import generate

    die_with_parent()

    godot = bool(request.get("godot", True))
    if godot:
        try:
            from benchgen.export import export_scenario  # noqa: F401
        except ImportError:
            godot = False
            events.put(
                (
                    "warning",
                    {
                        "message": "the Godot exporter is not installed; "
                        "scenarios were generated without godot/"
                    },
                )
            )
    try:
        report = generate(
            [request["family"]],
            count=request["count"],
            seed=request["seed"],
            out=Path(out),
            workers=workers,
            renders=request.get("renders", False),
            godot=godot,
            overrides=request.get("params") or None,
            on_event=lambda kind, payload: events.put((kind, payload)),
            cancel=cancel,
        )
        fam = report.families[0]
        events.put(
            (
                "report",
                {
                    "cancelled": report.cancelled,
                    "promoted": fam.promoted,
                    "rejected": fam.rejected,
                    "attempts": fam.attempts,
                },
            )
        )
    except BenchgenError as exc:
        events.put(("error", {"message": str(exc)}))
    except Exception as exc:  # the parent only sees the message; keep the class name
        events.put(("error", {"message": f"{exc.__class__.__name__}: {exc}"}))


def _warm_up() -> None:
    """Pay a job's one-off costs ahead of it: imports, OCP's and the GL driver's first use.

    One throw-away build with renders, in a temporary folder, touches all of them; any
    failure is left for the real job to report.
    """
    import shutil
    import tempfile

    from benchgen.families import family_names, get_family
    from benchgen.pipeline import build_scenario

    scratch = Path(tempfile.mkdtemp(prefix="benchgen-warm-"))
    try:
        family = get_family(family_names()[0])
        for seed in range(8):  # up to the first promoted seed, so the renderer warms too
            if build_scenario(family, seed, out_root=scratch, renders=True).status == "promoted":
                break
    except Exception:  # a warm-up only: the job itself reports any failure
        pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _child_entry(requests: Any, events: Any, cancel: Any, ready: Any, warm: bool) -> None:
    """A generation child: optionally warm up, then run the one request it is handed."""
    die_with_parent()
    if warm:
        _warm_up()
    ready.set()
    request, out, workers = requests.get()
    _child_main(request, out, workers, events, cancel)


class _Child:
    """One spawned generation process and its queues; it runs exactly one request."""

    def __init__(self, *, warm: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self.requests = context.Queue()
        self.events = context.Queue()
        self.cancel = context.Event()
        self.ready = context.Event()
        self.process = context.Process(
            target=_child_entry,
            args=(self.requests, self.events, self.cancel, self.ready, warm),
            name="benchgen-job",
            daemon=False,
        )
        self.process.start()

    def run(
        self,
        request: dict[str, Any],
        out: Path,
        workers: int,
        emit: EventSink,
        cancel: threading.Event,
    ) -> dict[str, Any]:
        """Hand the child ``request`` and forward its events until it ends; return its summary."""
        self.requests.put((request, str(out), workers))
        summary: dict[str, Any] | None = None
        error: str | None = None
        try:
            while True:
                if cancel.is_set():
                    self.cancel.set()
                try:
                    kind, payload = self.events.get(timeout=0.2)
                except queue.Empty:
                    if not self.process.is_alive():
                        break
                    continue
                if kind == "report":
                    summary = payload
                elif kind == "error":
                    error = payload["message"]
                else:
                    emit(kind, payload)
        finally:
            self.stop(wait_s=30)
        if error is not None:
            raise RuntimeError(error)
        if summary is None:
            raise RuntimeError(
                f"the generation process exited with code {self.process.exitcode} "
                "before it finished; see the server log"
            )
        return summary

    def stop(self, *, wait_s: float = 0.0) -> None:
        """Wait up to ``wait_s`` for the child, then kill its group (it, its pool and the rest).

        A child still starting may not lead its group yet: it is then killed on its own.
        """
        self.process.join(timeout=wait_s)
        if self.process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.kill()
        self.process.join()
        self.requests.close()
        self.events.close()


class ChildRunner:
    """Run each generation request in a spawned child process (the default runner).

    With ``warm``, one child is kept started ahead of the next job, its imports done and
    its first build paid (:func:`_warm_up`), so a job's first scenario is not also the
    process's first: the dock's first thumbnail comes seconds sooner. That child is
    started with the server (:meth:`prepare`) and again after each job, and stopped with
    the server (:meth:`close`); it holds a worker's memory while it waits.
    """

    def __init__(self, *, warm: bool = False) -> None:
        self._warm = warm
        self._spare: _Child | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Start the spare child now (with ``warm``), so the first job finds it ready."""
        with self._lock:
            if self._warm and self._spare is None:
                self._spare = _Child(warm=True)

    def warm(self) -> bool:
        """Return whether a warmed-up child waits for the next job."""
        spare = self._spare
        return spare is not None and spare.ready.is_set() and spare.process.is_alive()

    def _take(self) -> _Child:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None and spare.process.is_alive():
            return spare
        if spare is not None:
            spare.stop()
        return _Child(warm=False)

    def __call__(
        self,
        request: dict[str, Any],
        out: Path,
        workers: int,
        emit: EventSink,
        cancel: threading.Event,
    ) -> dict[str, Any]:
        try:
            return self._take().run(request, out, workers, emit, cancel)
        finally:
            self.prepare()  # the next job's child warms up while the server waits

    def close(self) -> None:
        """Stop the spare child."""
        with self._lock:
            spare, self._spare, self._warm = self._spare, None, False
        if spare is not None:
            spare.stop()


class LiveJob:
    """A job this server process runs: its row, cancel flag and scenarios seen so far."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.cancel = threading.Event()
        self.scenarios: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []
        self.saved_at = 0.0


class JobManager:
    """Queue, run, cancel and report generation jobs; every change goes to the store."""

    def __init__(
        self,
        store: Store,
        out: Path,
        *,
        workers: int = 1,
        runner: GenerateRunner | None = None,
        max_queued: int = MAX_QUEUED,
        warm: bool = False,
    ) -> None:
        self.store = store
        self.out = out
        self.workers = workers
        self.max_queued = max_queued
        self._child_runner: ChildRunner | None = None
        if runner is None:
            self._child_runner = runner = ChildRunner(warm=warm)
            self._child_runner.prepare()
        self._runner = runner
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="benchgen-job")
        self._live: dict[str, LiveJob] = {}
        self._lock = threading.Lock()

    def recover(self, *, resume: Callable[[Job], Callable[[LiveJob], None] | None]) -> int:
        """Take over the jobs a previous server process left queued or running.

        Args:
            resume: returns the work that resumes a job (None: the job cannot be resumed
                and is marked failed with the reason :data:`RESTARTED`).

        Returns:
            How many jobs were resumed.
        """
        resumed = 0
        for job in reversed(self.store.jobs(states=ACTIVE_STATES)):  # oldest first
            if job.id in self._live:
                continue
            work = resume(job) if job.kind in _RESUMABLE else None
            if work is None:
                job.state, job.error = "failed", RESTARTED
                self.store.save_job(job)
                continue
            warnings = [*job.result.get("warnings", []), RESUMED]
            job.state, job.error = "queued", ""
            job.result = {**job.result, "warnings": warnings}
            self._enqueue(job, work)
            resumed += 1
        return resumed

    def generator_warm(self) -> bool:
        """Return whether the next generation job finds a warmed-up process waiting."""
        return self._child_runner is not None and self._child_runner.warm()

    def running(self) -> int:
        """Return how many jobs are queued or running in this process."""
        with self._lock:
            return len(self._live)

    def submit(
        self, kind: str, request: dict[str, Any], work: Callable[[LiveJob], None] | None = None
    ) -> str:
        """Queue a job and return its id.

        Raises:
            QueueFullError: ``max_queued`` jobs are waiting already.
        """
        with self._lock:
            waiting = sum(1 for live in self._live.values() if live.job.state == "queued")
        if waiting >= self.max_queued:
            raise QueueFullError(
                f"{waiting} jobs are waiting already (the limit is {self.max_queued}): "
                "wait for one to finish or cancel one (DELETE /api/jobs/{id})"
            )
        now = datetime.now(UTC)
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            request=request,
            state="queued",
            done=0,
            total=int(request.get("count", 1)),
            error="",
            result={"scenarios": [], "warnings": []},
            created_at=now,
            updated_at=now,
        )
        self._enqueue(job, work or self._generate)
        return job.id

    def _enqueue(self, job: Job, work: Callable[[LiveJob], None]) -> None:
        self.store.save_job(job)
        live = LiveJob(job)
        live.warnings = list(job.result.get("warnings", []))
        live.scenarios = {s["id"]: s for s in job.result.get("scenarios", []) if "id" in s}
        with self._lock:
            self._live[job.id] = live
        self._pool.submit(self._run, live, work)

    def resume_generate(self, _job: Job) -> Callable[[LiveJob], None]:
        """The work that resumes a generation job (completed scenarios are skipped)."""
        return self._generate

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; a queued job is cancelled at once. Returns the job or None."""
        with self._lock:
            live = self._live.get(job_id)
        if live is not None:
            self._stop(live, "cancelled before it started")
            return live.job
        return self.store.job(job_id)

    def _stop(self, live: LiveJob, why_if_queued: str) -> None:
        """Signal a job to stop; a job still queued is marked cancelled at once."""
        with self._lock:
            live.cancel.set()
            queued = live.job.state == "queued"
            if queued:
                live.job.state = "cancelled"
        if queued:
            self._finish(live, "cancelled", why_if_queued)

    def get(self, job_id: str) -> tuple[Job, list[str]] | None:
        """Return a job and its warnings, or None when no job has that id."""
        job = self.store.job(job_id)
        if job is None:
            return None
        return job, list(job.result.get("warnings", []))

    def shutdown(self) -> None:
        """Stop every job: queued ones are cancelled, running ones finish their build."""
        with self._lock:
            lives = list(self._live.values())
        for live in lives:
            self._stop(live, "the server stopped before the job started")
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._child_runner is not None:
            self._child_runner.close()

    # Running ------------------------------------------------------------------------

    def _run(self, live: LiveJob, work: Callable[[LiveJob], None]) -> None:
        with self._lock:
            start = not live.cancel.is_set() and live.job.state == "queued"
            if start:
                live.job.state = "running"
        if not start:
            self._forget(live)
            return
        self.save(live)
        try:
            work(live)
        except Exception as exc:
            stopped = "cancelled" if live.cancel.is_set() else "failed"
            self._finish(live, stopped, str(exc) or exc.__class__.__name__)
        else:
            if live.job.state == "running":
                finished = live.job.done >= live.job.total  # cancelled too late to matter
                state = "cancelled" if live.cancel.is_set() and not finished else "done"
                self._finish(live, state, live.job.error)
        finally:
            self._forget(live)

    def _generate(self, live: LiveJob) -> None:
        summary = self._runner(
            live.job.request,
            self.out,
            self.workers,
            lambda kind, payload: self._on_event(live, kind, payload),
            live.cancel,
        )
        live.job.result = {**live.job.result, "summary": summary}
        if summary.get("promoted", 0) < live.job.total and not summary.get("cancelled"):
            live.job.error = (
                f"only {summary.get('promoted', 0)} of {live.job.total} scenarios "
                f"were promoted after {summary.get('attempts', 0)} attempts; "
                "try another seed or wider parameters"
            )

    def _on_event(self, live: LiveJob, kind: str, payload: dict[str, Any]) -> None:
        if kind in ("stage", "published"):
            row = live.scenarios.setdefault(
                payload["scenario_id"],
                {
                    "id": payload["scenario_id"],
                    "family": payload["family"],
                    "stage": "",
                    "status": "running",
                    "reasons": [],
                },
            )
            if kind == "stage":
                row["stage"] = payload["stage"]
            else:  # verdict and thumbnail on disk; the full renders follow
                row.update({"status": payload["status"], "stage": "render", "thumbnail": True})
        elif kind == "outcome":
            from benchgen.pipeline.build import BuildOutcome

            outcome = BuildOutcome.model_validate(payload)
            self.store.record_attempt(outcome, job_id=live.job.id)
            live.scenarios[outcome.scenario_id] = {
                "id": outcome.scenario_id,
                "family": outcome.family,
                "stage": "finished",
                "status": outcome.status,
                "reasons": [str(r) for r in outcome.reasons],
                "thumbnail": any(rel in outcome.files for rel in THUMBNAIL_FILES),
            }
            if outcome.status != "rejected":
                live.job.done += 1
        elif kind == "warning":
            live.warnings.append(str(payload.get("message", "")))
        self.save(live)

    def save(self, live: LiveJob, *, throttle_s: float = 0.0) -> None:
        """Write a live job's state to the store (skipped if saved less than ``throttle_s`` ago)."""
        now = time.monotonic()
        if throttle_s and now - live.saved_at < throttle_s:
            return
        live.saved_at = now
        live.job.result = {
            **live.job.result,
            "scenarios": list(live.scenarios.values()),
            "warnings": list(live.warnings),
        }
        live.job.updated_at = datetime.now(UTC)
        self.store.save_job(live.job)

    def _finish(self, live: LiveJob, state: str, error: str) -> None:
        live.job.state, live.job.error = state, error
        self.save(live)

    def _forget(self, live: LiveJob) -> None:
        with self._lock:
            self._live.pop(live.job.id, None)
