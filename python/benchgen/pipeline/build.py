"""Build one scenario, from a family and a seed to a complete folder, atomically.

The folder is assembled under a temporary name next to its final place and renamed
only once it is complete, so an interrupted run never leaves a half-written scenario
under its final name, and a re-run skips what is already there.
"""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import mujoco
import numpy as np
from pydantic import BaseModel, Field

from benchgen.cad.geometry import Geometry, build_geometry
from benchgen.errors import BenchgenError
from benchgen.export import export_scenario, mark_godot_ignored
from benchgen.families.base import Family
from benchgen.mjcf.builder import build_mjspec, compile_mjspec
from benchgen.pipeline.renders import add_renders, render_thumbnail, renders_pending
from benchgen.pipeline.repair import folder_problem, quarantine
from benchgen.pipeline.script import script_text
from benchgen.spec.folder import (
    MODEL_XML,
    PROBLEM_JSON,
    SCRIPT_PY,
    publish,
    scenario_folder,
    seal,
    staging,
)
from benchgen.spec.io import canonical_json, load_spec
from benchgen.spec.layout import Layout, spec_from_layout
from benchgen.spec.models import (
    FailureReason,
    Provenance,
    ScenarioSpec,
    Verification,
    VerificationCheck,
)
from benchgen.spec.problem import problem_of
from benchgen.verify.gate import measure_difficulty, run_gate
from benchgen.verify.refine import refine_push

__all__ = [
    "BuildOutcome",
    "build_scenario",
    "make_spec",
    "provenance",
    "write_model_files",
    "write_problem",
    "write_scenario_files",
]

Status = Literal["promoted", "rejected", "skipped"]
StageCallback = Callable[[str, str], None]


class BuildOutcome(BaseModel):
    """What happened to one attempt: status, reasons, where it is, where the time went."""

    scenario_id: str
    family: str
    seed: int
    status: Status
    reasons: list[FailureReason] = Field(default_factory=list)
    detail: str = ""
    folder: str | None = None
    files: dict[str, str] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(default_factory=dict)


class _Timer:
    def __init__(self, on_stage: StageCallback | None, scenario_id: str) -> None:
        self.seconds: dict[str, float] = {}
        self._on_stage = on_stage
        self._id = scenario_id

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._on_stage:
            self._on_stage(self._id, name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 4)


@functools.cache
def provenance() -> Provenance:
    """Return the versions of the tools that decide a scenario's bytes."""

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return Provenance(
        benchgen=version("benchgen"),
        python=platform.python_version(),
        mujoco=mujoco.__version__,
        build123d=version("build123d"),
        numpy=np.__version__,
    )


def make_spec(family: Family, seed: int, params: Any, layout: Layout) -> ScenarioSpec:
    """Return the (unverified) spec of one family layout, with its identity."""
    spec = spec_from_layout(
        layout,
        scenario_id=family.scenario_id(seed, params),
        family=family.name,
        seed=seed,
        params=params.model_dump(mode="json"),
    )
    spec.provenance = provenance()
    return spec


def write_problem(spec: ScenarioSpec, folder: Path) -> None:
    """Write problem.json: what a solver is given (no reference solution in it)."""
    text = canonical_json(problem_of(spec).model_dump(mode="json"))
    (folder / PROBLEM_JSON).write_text(text, encoding="utf-8")


def write_model_files(
    spec: ScenarioSpec, layout: Layout, folder: Path, timer: _Timer | None = None
) -> tuple[Geometry, mujoco.MjModel]:
    """Write ``meshes/`` and ``model.xml`` of ``spec`` into ``folder``; return both built.

    Raises:
        ModelError: MuJoCo refuses the model (nothing is written to model.xml then).
    """
    timer = timer or _Timer(None, spec.id)
    with timer.stage("cad"):
        geometry = build_geometry(layout)
        geometry.write_meshes(folder)
    with timer.stage("mjcf"):
        mj = build_mjspec(spec)
        model = compile_mjspec(mj, folder)
        (folder / MODEL_XML).write_text(mj.to_xml(), encoding="utf-8")
    return geometry, model


def write_scenario_files(
    family: Family, spec: ScenarioSpec, layout: Layout, folder: Path, timer: _Timer | None = None
) -> Verification:
    """Write geometry, script and model of ``spec`` into ``folder`` and verify it."""
    timer = timer or _Timer(None, spec.id)
    with timer.stage("cad"):
        script = script_text(family, scenario_id=spec.id, seed=spec.seed, params=spec.params)
        (folder / SCRIPT_PY).write_text(script, encoding="utf-8")
    try:
        geometry, model = write_model_files(spec, layout, folder, timer)
    except BenchgenError as exc:
        rejected = VerificationCheck(
            name="model_loads", passed=False, reason=FailureReason.MODEL_REJECTED, detail=str(exc)
        )
        return Verification(promoted=False, checks=[rejected])
    if family.push_search is not None:
        with timer.stage("refine"):
            refined = refine_push(spec, folder, family.push_search, model=model)
        if refined is None:
            unsolved = VerificationCheck(
                name="solvable",
                passed=False,
                reason=FailureReason.UNSOLVED,
                detail="no push of the search grid around the family's guess succeeds",
            )
            return Verification(promoted=False, checks=[unsolved])
        spec.reference_solution = refined
        layout = layout.model_copy(update={"reference_solution": refined})
    with timer.stage("verify"):
        return run_gate(spec, layout, geometry, folder, model=model)


def build_scenario(
    family: Family,
    seed: int,
    *,
    out_root: Path,
    overrides: Mapping[str, Any] | None = None,
    renders: bool = False,
    godot: bool = True,
    on_stage: StageCallback | None = None,
    on_published: Callable[[BuildOutcome], None] | None = None,
) -> BuildOutcome:
    """Build, verify and (when promoted) publish one scenario folder.

    With ``renders``, a promoted scenario is published twice (:mod:`benchgen.pipeline.renders`):
    with its thumbnail as soon as its verdict is known (``on_published`` is called then),
    then with the 24 views, contact sheet and video.

    Args:
        family: the scenario family.
        seed: the scenario's seed; with ``overrides`` it fixes every parameter.
        out_root: the dataset folder; the scenario goes to ``<out_root>/<family>/<id>``.
        overrides: parameter values to fix instead of sampling them.
        renders: render 24 views, a contact sheet and a video.
        godot: export the Godot scene.
        on_stage: called with ``(scenario_id, stage)`` as each stage starts.
        on_published: called with the outcome so far once a promoted scenario with
            ``renders`` is published with its thumbnail (the other renders follow).

    Returns:
        The outcome; ``skipped`` when the scenario was already complete on disk. A damaged
        folder under the final name (see :func:`benchgen.pipeline.repair.folder_problem`)
        is built again and replaced, or moved aside when the new build is rejected.
    """
    params = family.sample(seed, overrides)
    scenario_id = family.scenario_id(seed, params)
    final = scenario_folder(out_root, family.name, scenario_id)
    base = BuildOutcome(scenario_id=scenario_id, family=family.name, seed=seed, status="skipped")
    damaged = None
    timer = _Timer(on_stage, scenario_id)
    if final.exists():
        damaged = folder_problem(final)
        if damaged is None:  # complete: what a resumed run finds, recorded as it is
            spec = load_spec(final)
            if renders and renders_pending(final):  # stopped between the two phases
                with timer.stage("render"):
                    add_renders(spec, final)
            return base.model_copy(
                update={"folder": str(final), "files": spec.files, "stage_seconds": timer.seconds}
            )
    with timer.stage("layout"):
        layout = family.build(params)
        spec = make_spec(family, seed, params, layout)
    with staging(final) as tmp:
        verification = write_scenario_files(family, spec, layout, tmp, timer)
        spec.verification = verification
        if verification.promoted:
            with timer.stage("difficulty"):
                spec.difficulty = measure_difficulty(spec, tmp)
            write_problem(spec, tmp)
            if godot:
                with timer.stage("export"):
                    export_scenario(spec, tmp)
            if renders:
                with timer.stage("thumbnail"):
                    render_thumbnail(spec, tmp)
            mark_godot_ignored(tmp)  # a dataset inside a Godot project: no mesh/png imports
        with timer.stage("write"):
            seal(spec, tmp)
            if verification.promoted:
                publish(tmp, final, replace=damaged is not None)
            elif damaged is not None:
                quarantine(final)
    failed = [c for c in verification.checks if not c.passed]
    detail = "; ".join(f"{c.name}: {c.detail}" for c in failed)
    if damaged is not None:
        detail = f"rebuilt over a damaged folder ({damaged}). {detail}".strip()
    outcome = base.model_copy(
        update={
            "status": "promoted" if verification.promoted else "rejected",
            "reasons": verification.reasons,
            "detail": detail,
            "folder": str(final) if verification.promoted else None,
            "files": spec.files,
            "stage_seconds": dict(timer.seconds),
        }
    )
    if not (verification.promoted and renders):
        return outcome
    if on_published is not None:
        on_published(outcome)
    with timer.stage("render"):
        files = add_renders(spec, final)
    return outcome.model_copy(update={"files": files, "stage_seconds": timer.seconds})
