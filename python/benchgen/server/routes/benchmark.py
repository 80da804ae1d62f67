"""``/api/benchmark``: the benchmark scene's scenario array, and runs of it in Godot."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from benchgen.errors import InvalidSpecError
from benchgen.server import models as m
from benchgen.server.benchmark import (
    add_benchmark_scenarios,
    read_benchmark_scenarios,
    run_benchmark,
)
from benchgen.server.jobs import JobManager, LiveJob, QueueFullError
from benchgen.server.routes._params import NOT_FOUND, JobId
from benchgen.server.scenarios import scenario_dir
from benchgen.server.state import ServerState, State

__all__ = ["router"]

router = APIRouter(tags=["benchmark"])


def _check_scene(scene: Path) -> None:
    if not scene.is_file():
        raise HTTPException(
            404,
            f"the benchmark scene {scene} does not exist; add scenarios to the benchmark "
            "first (that creates it) or set the project setting benchgen/benchmark/scene",
        )


def _scene_res_path(state: ServerState, scenario_id: str) -> str:
    folder = scenario_dir(state.out, scenario_id)
    if folder is None:
        raise HTTPException(404, f"no promoted scenario {scenario_id} in {state.out}")
    scene = folder / "godot" / "scene.tscn"
    if not scene.is_file():
        raise HTTPException(
            409,
            f"{scenario_id} has no Godot scene (godot/scene.tscn); "
            "generate it with godot export on",
        )
    try:
        return "res://" + scene.resolve().relative_to(state.project_dir.resolve()).as_posix()
    except ValueError:
        raise HTTPException(
            409,
            f"{scene} is outside the Godot project {state.project_dir}; "
            "serve an output folder inside the project (e.g. --out scenarios)",
        ) from None


@router.get("/api/benchmark/scenarios", response_model=m.BenchmarkScenes, responses=NOT_FOUND)
def benchmark_scenes(state: State) -> m.BenchmarkScenes:
    """Return the scenario array of the benchmark scene."""
    _check_scene(state.scene)
    return m.BenchmarkScenes(scene=state.scene_res, scenarios=read_benchmark_scenarios(state.scene))


@router.post(
    "/api/benchmark/scenarios",
    response_model=m.BenchmarkScenes,
    responses={**NOT_FOUND, 409: {"description": "The scene is not in the project."}},
)
def add_to_benchmark(body: m.BenchmarkScenesRequest, state: State) -> m.BenchmarkScenes:
    """Add the Godot scenes of scenarios to the benchmark scene's array (created if missing)."""
    paths = [_scene_res_path(state, sid) for sid in body.scenario_ids]
    try:
        array = add_benchmark_scenarios(state.scene, paths, replace=body.replace)
    except InvalidSpecError as exc:
        raise HTTPException(409, str(exc)) from None
    return m.BenchmarkScenes(scene=state.scene_res, scenarios=array)


def _run_work(
    live: LiveJob, *, request: dict[str, Any], state: ServerState, jobs: JobManager
) -> None:
    count = 0

    def on_line(line: str, _is_error: bool) -> None:
        nonlocal count
        count += 1
        live.job.result = {**live.job.result, "log": {"lines": count, "last": line[-500:]}}
        jobs.save(live, throttle_s=0.5)

    result = run_benchmark(request, state.project_dir, on_line, runner=state.godot_runner)
    live.job.result = {**live.job.result, "benchmark": result}
    live.job.done = 1


@router.post(
    "/api/benchmark/runs", response_model=m.JobCreated, status_code=202, responses=NOT_FOUND
)
def start_benchmark(body: m.BenchmarkRunRequest, state: State, http: Request) -> m.JobCreated:
    """Run the benchmark scene in Godot in the background."""
    _check_scene(state.scene)
    request = body.model_dump(mode="json")
    if body.agent == "llm":  # Godot's LLM agent solves through this server
        request["backend"] = str(http.base_url).rstrip("/")
    work = functools.partial(_run_work, request=request, state=state, jobs=state.jobs)
    try:
        return m.JobCreated(id=state.jobs.submit("benchmark", {**request, "count": 1}, work=work))
    except QueueFullError as exc:
        raise HTTPException(429, str(exc)) from None


@router.get("/api/benchmark/runs/{run_id}", response_model=m.BenchmarkRun, responses=NOT_FOUND)
def benchmark_run(run_id: JobId, state: State) -> m.BenchmarkRun:
    """Return a benchmark run's state, progress and results."""
    found = state.jobs.get(run_id)
    if found is None or found[0].kind != "benchmark":
        raise HTTPException(404, f"no benchmark run {run_id}")
    job = found[0]
    log = job.result.get("log", {})
    bench = job.result.get("benchmark") or {}
    return m.BenchmarkRun(
        id=job.id,
        state=job.state,  # type: ignore[arg-type]
        lines=int(log.get("lines", 0)),
        last_line=str(log.get("last", "")),
        error=job.error,
        results=bench or None,
        request=job.request,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
