"""Generate many scenarios: a pool of worker processes, resumable, with progress events.

Each family gets ``count`` promoted scenarios. Seeds are tried in order from ``seed``;
a rejected seed is recorded and the next one tried, up to ``count × attempts_factor``
attempts per family. A scenario already on disk counts as promoted and is not rebuilt,
so re-running an interrupted command resumes it.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from benchgen.errors import InvalidSpecError, OutputError
from benchgen.families import get_family
from benchgen.pipeline.build import BuildOutcome, build_scenario
from benchgen.pipeline.repair import remove_stale_staging
from benchgen.spec.ids import MAX_SEED

__all__ = [
    "FamilyProgress",
    "GenerateReport",
    "Schedule",
    "build_attempt",
    "check_output_folder",
    "check_workers",
    "generate",
    "max_workers",
    "validate_request",
]

EventCallback = Callable[[str, dict[str, Any]], None]
_PR_SET_PDEATHSIG = 1


class FamilyProgress(BaseModel):
    """How far one family has come."""

    family: str
    wanted: int
    promoted: int = 0
    rejected: int = 0
    attempts: int = 0
    next_seed: int = 0


class GenerateReport(BaseModel):
    """The result of a batch: every outcome and the progress of each family."""

    out: str
    families: list[FamilyProgress]
    outcomes: list[BuildOutcome] = Field(default_factory=list)
    cancelled: bool = False

    @property
    def complete(self) -> bool:
        return all(f.promoted >= f.wanted for f in self.families)


def check_output_folder(out: Path) -> None:
    """Create ``out`` if needed and make sure files can be written there.

    Raises:
        OutputError: it is a file, or not writable.
    """
    if not str(out).strip() or str(out) == ".":
        raise OutputError(
            f"--out {str(out)!r} names no folder (it would write into the current one): "
            "give a dataset folder such as --out out"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder: choose a folder path")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"cannot write to the output folder {out} ({exc.strerror or exc}): "
            "choose a folder you can write to"
        ) from exc


def max_workers() -> int:
    """Return the most worker processes one batch may start: this machine's CPU count."""
    return os.cpu_count() or 1


def check_workers(workers: int) -> None:
    """Raise InvalidSpecError unless ``workers`` is between 1 and :func:`max_workers`."""
    if not 1 <= workers <= max_workers():
        raise InvalidSpecError(
            f"workers must be between 1 and {max_workers()} (this machine's CPU count; "
            f"each worker holds a few hundred MB), got {workers}"
        )


def validate_request(families: Sequence[str], count: int, seed: int, workers: int) -> None:
    """Check a batch request; raise InvalidSpecError or UnknownFamilyError naming the problem."""
    if count < 1:
        raise InvalidSpecError(f"count must be at least 1, got {count}")
    if not 0 <= seed <= MAX_SEED:
        raise InvalidSpecError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    check_workers(workers)
    for name in families:
        get_family(name)


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the one that started it dies."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _worker_init() -> None:
    """Die with the batch (a killed CLI leaves no worker); import the heavy libraries once."""
    _die_with_parent()
    import build123d  # noqa: F401
    import mujoco  # noqa: F401


def build_attempt(
    family: str,
    seed: int,
    out: str | Path,
    *,
    overrides: Mapping[str, Any] | None,
    renders: bool,
    godot: bool,
    on_stage: Callable[[str, str], None] | None = None,
    on_published: Callable[[BuildOutcome], None] | None = None,
) -> BuildOutcome:
    """Build one scheduled attempt, named by plain values (what a pool worker or an activity gets).

    Raises:
        UnknownFamilyError: ``family`` is not registered.
    """
    return build_scenario(
        get_family(family),
        seed,
        out_root=Path(out),
        overrides=overrides,
        renders=renders,
        godot=godot,
        on_stage=on_stage,
        on_published=on_published,
    )


def _build_in_worker(
    family: str,
    seed: int,
    out: str,
    overrides: Mapping[str, Any] | None,
    renders: bool,
    godot: bool,
    stages: Any,
) -> BuildOutcome:
    def on_stage(scenario_id: str, stage: str) -> None:
        if stages is not None:
            stages.put(("stage", _stage_payload(family, scenario_id, stage)))

    def on_published(outcome: BuildOutcome) -> None:
        if stages is not None:
            stages.put(("published", outcome.model_dump(mode="json")))

    return build_attempt(
        family,
        seed,
        out,
        overrides=overrides,
        renders=renders,
        godot=godot,
        on_stage=on_stage,
        on_published=on_published,
    )


class Schedule:
    """Which (family, seed) to try next: shared by the process pool and the Temporal workflow."""

    def __init__(self, families: Sequence[str], count: int, seed: int, attempts_factor: int):
        self.progress = {
            f: FamilyProgress(family=f, wanted=count, next_seed=seed) for f in families
        }
        self.limit = count * attempts_factor
        self.in_flight: dict[str, int] = dict.fromkeys(families, 0)

    def next_task(self) -> tuple[str, int] | None:
        """Return the next (family, seed) worth trying, or None when nothing is left."""
        for family, prog in self.progress.items():
            needed = prog.wanted - prog.promoted - self.in_flight[family]
            if (
                needed > 0
                and prog.attempts + self.in_flight[family] < self.limit
                and prog.next_seed <= MAX_SEED
            ):
                prog.next_seed += 1
                self.in_flight[family] += 1
                return family, prog.next_seed - 1
        return None

    def record(self, outcome: BuildOutcome) -> None:
        prog = self.progress[outcome.family]
        self.in_flight[outcome.family] -= 1
        prog.attempts += 1
        if outcome.status == "rejected":
            prog.rejected += 1
        else:
            prog.promoted += 1


def generate(
    families: Sequence[str],
    *,
    count: int,
    seed: int,
    out: Path,
    workers: int = 1,
    renders: bool = False,
    godot: bool = True,
    overrides: Mapping[str, Any] | None = None,
    attempts_factor: int = 3,
    on_event: EventCallback | None = None,
    on_outcome: Callable[[BuildOutcome], None] | None = None,
    cancel: threading.Event | None = None,
) -> GenerateReport:
    """Generate ``count`` promoted scenarios for each family into ``out``.

    Args:
        families: family names.
        count: promoted scenarios wanted per family.
        seed: the first seed tried; later attempts use the following seeds.
        out: the dataset folder.
        workers: worker processes (1 builds in this process).
        renders: render views, contact sheet and video of each promoted scenario.
        godot: export the Godot scene of each promoted scenario.
        overrides: parameter values fixed for every scenario.
        attempts_factor: give up on a family after ``count × attempts_factor`` attempts.
        on_event: called with ``("stage", {...})``, ``("outcome", {...})`` and, with
            ``renders``, ``("published", {...})`` events (a promoted scenario's verdict and
            thumbnail are on disk; its outcome follows once the full renders are).
        on_outcome: called with each BuildOutcome as it arrives (the store records it).
        cancel: set it to stop scheduling; running builds finish, nothing half-written stays.

    Returns:
        The report of every attempt.

    Raises:
        InvalidSpecError: bad count, seed, workers, or parameter overrides.
        UnknownFamilyError: an unknown family name.
        OutputError: ``out`` cannot be written.
    """
    validate_request(families, count, seed, workers)
    if overrides:
        for name in families:
            get_family(name).sample(seed, overrides)  # fail now, with the family's message
    check_output_folder(out)
    remove_stale_staging(out)
    batch = Schedule(families, count, seed, attempts_factor)
    report = GenerateReport(out=str(out), families=list(batch.progress.values()))

    def emit(kind: str, payload: dict[str, Any]) -> None:
        if on_event is not None:
            on_event(kind, payload)

    def finish(outcome: BuildOutcome) -> None:
        batch.record(outcome)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
        emit("outcome", outcome.model_dump(mode="json"))

    if workers == 1:
        while not (cancel and cancel.is_set()) and (task := batch.next_task()):
            family, s = task
            finish(
                build_scenario(
                    get_family(family),
                    s,
                    out_root=out,
                    overrides=overrides,
                    renders=renders,
                    godot=godot,
                    on_stage=functools.partial(_emit_stage, emit, family),
                    on_published=lambda o: emit("published", o.model_dump(mode="json")),
                )
            )
        report.cancelled = bool(cancel and cancel.is_set())
        return report
    _run_pool(batch, workers, out, overrides, renders, godot, emit, finish, cancel, report)
    return report


def _run_pool(
    batch: Schedule,
    workers: int,
    out: Path,
    overrides: Mapping[str, Any] | None,
    renders: bool,
    godot: bool,
    emit: EventCallback,
    finish: Callable[[BuildOutcome], None],
    cancel: threading.Event | None,
    report: GenerateReport,
) -> None:
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server process
    manager = SyncManager(ctx=context)
    manager.start(_die_with_parent)  # so a killed batch leaves no manager process either
    with manager:
        stages = manager.Queue()
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
            running: set[Future[BuildOutcome]] = set()
            try:
                while True:
                    while len(running) < workers * 2 and not (cancel and cancel.is_set()):
                        task = batch.next_task()
                        if task is None:
                            break
                        running.add(
                            pool.submit(
                                _build_in_worker,
                                task[0],
                                task[1],
                                str(out),
                                overrides,
                                renders,
                                godot,
                                stages,
                            )
                        )
                    if not running:
                        break
                    done, running = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                    _drain(stages, emit)
                    for future in done:
                        finish(future.result())
            except BaseException:
                for future in running:
                    future.cancel()
                raise
            finally:
                _drain(stages, emit)
    report.cancelled = bool(cancel and cancel.is_set())


def _stage_payload(family: str, scenario_id: str, stage: str) -> dict[str, Any]:
    return {"family": family, "scenario_id": scenario_id, "stage": stage}


def _emit_stage(emit: EventCallback, family: str, scenario_id: str, stage: str) -> None:
    emit("stage", _stage_payload(family, scenario_id, stage))


def _drain(stages: Any, emit: EventCallback) -> None:
    """Pass on the events the workers queued: ``("stage" | "published", payload)``."""
    while True:
        try:
            kind, payload = stages.get_nowait()
        except (queue.Empty, EOFError, OSError):
            return
        emit(kind, payload)
