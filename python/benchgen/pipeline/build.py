"""Build one scenario, from a family and a seed to a complete folder, atomically.

The folder is assembled under a temporary name next to its final place and renamed
only once it is complete, so an interrupted run never leaves a half-written scenario
under its final name, and a re-run skips what is already there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from benchgen.errors import BenchgenError
from benchgen.families.base import Family, Layout
from benchgen.spec.io import dump_spec
from benchgen.spec.models import FailureReason, ScenarioSpec, Verification, VerificationCheck

if TYPE_CHECKING:
    from benchgen.render import RenderSet

__all__ = [
    "BuildOutcome",
    "build_scenario",
    "file_hashes",
    "render_folder",
    "scenario_folder",
    "write_scenario_files",
]

Status = Literal["promoted", "rejected", "skipped"]
StageCallback = Callable[[str, str], None]
_UNHASHED = {"scenario.json"}
_UNHASHED_DIRS = ("renders/", "reviews/")


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


def scenario_folder(out_root: Path, family: str, scenario_id: str) -> Path:
    """Return the final folder of a scenario: ``<out>/<family>/<id>``."""
    return out_root / family / scenario_id


def file_hashes(folder: Path) -> dict[str, str]:
    """Return sha256 of every file of a scenario folder but scenario.json and renders."""
    hashes = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in _UNHASHED or rel.startswith(_UNHASHED_DIRS):
            continue
        hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


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


def _make_spec(family: Family, seed: int, params: Any, layout: Layout) -> ScenarioSpec:
    return ScenarioSpec(
        id=family.scenario_id(seed, params),
        family=family.name,
        seed=seed,
        params=params.model_dump(mode="json"),
        **layout.model_dump(),
    )


def write_scenario_files(
    family: Family, spec: ScenarioSpec, layout: Layout, folder: Path, timer: _Timer | None = None
) -> Verification:
    """Write geometry, script, model and Godot scene of ``spec`` into ``folder`` and verify it."""
    from benchgen.cad.geometry import build_geometry
    from benchgen.cad.script import script_text
    from benchgen.mjcf.builder import build_mjspec, compile_mjspec
    from benchgen.verify.gate import run_gate

    timer = timer or _Timer(None, spec.id)
    with timer.stage("cad"):
        geometry = build_geometry(layout)
        geometry.write_meshes(folder)
        script = script_text(family, scenario_id=spec.id, seed=spec.seed, params=spec.params)
        (folder / "script.py").write_text(script, encoding="utf-8")
    with timer.stage("mjcf"):
        mj = build_mjspec(spec)
        try:
            model = compile_mjspec(mj, folder)
            (folder / "model.xml").write_text(mj.to_xml(), encoding="utf-8")
        except BenchgenError as exc:
            return Verification(
                promoted=False,
                checks=[
                    VerificationCheck(
                        name="model_loads",
                        passed=False,
                        reason=FailureReason.MODEL_REJECTED,
                        detail=str(exc),
                    )
                ],
            )
    with timer.stage("verify"):
        verification = run_gate(spec, layout, geometry, folder, model=model)
    return verification


def _export_godot(spec: ScenarioSpec, folder: Path) -> None:
    from benchgen.export import export_scenario

    export_scenario(spec, folder)


def render_folder(spec: ScenarioSpec, folder: Path) -> RenderSet:
    """Render the 24 views, contact sheet and reference video of a scenario folder."""
    from benchgen.render import render_scenario
    from benchgen.verify.simulate import trial_model

    model, _ = trial_model(spec, folder, "null")
    video_model, video_data = trial_model(spec, folder, "reference")
    return render_scenario(
        folder,
        model,
        video_model=video_model,
        video_data=video_data,
        seconds=min(spec.horizon_s, 4.0),
        title=f"{spec.id}: {spec.task}",
    )


def build_scenario(
    family: Family,
    seed: int,
    *,
    out_root: Path,
    overrides: Mapping[str, Any] | None = None,
    renders: bool = False,
    godot: bool = True,
    on_stage: StageCallback | None = None,
) -> BuildOutcome:
    """Build, verify and (when promoted) publish one scenario folder.

    Args:
        family: the scenario family.
        seed: the scenario's seed; with ``overrides`` it fixes every parameter.
        out_root: the dataset folder; the scenario goes to ``<out_root>/<family>/<id>``.
        overrides: parameter values to fix instead of sampling them.
        renders: render 24 views, a contact sheet and a video.
        godot: export the Godot scene.
        on_stage: called with ``(scenario_id, stage)`` as each stage starts.

    Returns:
        The outcome; ``skipped`` when the scenario was already complete on disk.
    """
    params = family.sample(seed, overrides)
    scenario_id = family.scenario_id(seed, params)
    final = scenario_folder(out_root, family.name, scenario_id)
    base = BuildOutcome(scenario_id=scenario_id, family=family.name, seed=seed, status="skipped")
    if (final / "scenario.json").is_file():
        return base.model_copy(update={"folder": str(final)})
    timer = _Timer(on_stage, scenario_id)
    with timer.stage("layout"):
        layout = family.layout(params)
        spec = _make_spec(family, seed, params, layout)
    tmp = final.parent / f".tmp-{scenario_id}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        verification = write_scenario_files(family, spec, layout, tmp, timer)
        spec.verification = verification
        if verification.promoted:
            if godot:
                with timer.stage("export"):
                    _export_godot(spec, tmp)
            if renders:
                with timer.stage("render"):
                    render_folder(spec, tmp)
        with timer.stage("write"):
            spec.files = file_hashes(tmp)
            (tmp / "scenario.json").write_text(dump_spec(spec), encoding="utf-8")
            if verification.promoted:
                os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [c for c in verification.checks if not c.passed]
    return base.model_copy(
        update={
            "status": "promoted" if verification.promoted else "rejected",
            "reasons": verification.reasons,
            "detail": "; ".join(f"{c.name}: {c.detail}" for c in failed),
            "folder": str(final) if verification.promoted else None,
            "files": spec.files,
            "stage_seconds": timer.seconds,
        }
    )
