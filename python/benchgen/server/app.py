"""The HTTP API the Godot dock talks to: a thin layer over the Python API.

Run it with ``benchgen serve``. Generation runs in other processes (see :mod:`.jobs`),
so the event loop only answers requests and ``GET /api/health`` stays fast while a job
runs. Nothing here imports build123d or MuJoCo on a request path.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.types import ASGIApp

from benchgen.errors import BenchgenError
from benchgen.server import models as m
from benchgen.server.benchmark import (
    BENCHMARK_SCENE,
    add_benchmark_scenarios,
    read_benchmark_scenarios,
    run_benchmark,
)
from benchgen.server.jobs import GenerateRunner, JobManager
from benchgen.server.limits import DEFAULT_MAX_BODY, BodyLimitMiddleware
from benchgen.server.scenarios import list_scenarios, resolve_file, scenario_detail, scenario_dir
from benchgen.store import Job, Store

__all__ = ["LLM_ENV", "create_app", "llm_configured"]

LLM_ENV = ("BENCHGEN_LLM_BASE_URL", "BENCHGEN_LLM_MODEL")
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such job, scenario or file."}
}
_JobId = Annotated[str, PathParam(pattern=m.JOB_ID_PATTERN, description="A job id (32 hex).")]
_ScenarioId = Annotated[
    str,
    PathParam(pattern=m.SCENARIO_ID_PATTERN, description="A scenario id: <family>-<seed>-<6 hex>."),
]


def _version() -> str:
    try:
        return metadata.version("benchgen")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class _App(FastAPI):
    """FastAPI with the body-size limit outside every other layer (before any parsing)."""

    max_body: int = DEFAULT_MAX_BODY

    def build_middleware_stack(self) -> ASGIApp:
        limited = BodyLimitMiddleware(super().build_middleware_stack(), max_bytes=self.max_body)
        return cast(ASGIApp, limited)


def _explain(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    if first.get("type") == "json_invalid":
        at = first.get("loc", ("body", "?"))[-1]
        return f"the body is not valid JSON (error at character {at}): send a JSON object"
    loc = [str(p) for p in first.get("loc", ())]
    if loc[:1] == ["body"]:
        loc = loc[2:] if loc[1:2] and loc[1] in m.JOB_KINDS else loc[1:]
    where = ".".join(loc) or "body"
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"field '{where}': {msg}"


def _verify_in_child(folder: str) -> dict[str, Any]:
    from benchgen.verify import verify_folder

    report = verify_folder(Path(folder))
    return {
        "ok": report.ok,
        "reasons": [str(r) for r in report.reasons],
        "checks": [c.model_dump(mode="json") for c in report.checks],
    }


def create_app(
    out: Path,
    *,
    db_url: str | None = None,
    workers: int = 1,
    project_dir: Path | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    generate_runner: GenerateRunner | None = None,
    godot_runner: Any = None,
    godot_page_dir: Path | None = None,
) -> FastAPI:
    """Return the benchgen API serving the dataset folder ``out``.

    Args:
        out: the dataset folder (created if needed); scenarios go to ``<out>/<family>/<id>``.
        db_url: the store URL (default: SQLite in ``out``).
        workers: worker processes of each generation job.
        project_dir: the Godot project holding ``benchmarking/benchmarker.tscn``
            (default: the repository root).
        max_body: largest request body accepted, in bytes.
        generate_runner: runs one generation request (default: a spawned child process).
        godot_runner: ``benchgen.godot.runtime.run_godot`` or a stand-in.
        godot_page_dir: a staged Godot web page (``index.html``, ``index.js``,
            ``index.wasm``, ``game.zip``) to serve under ``/godot/`` with the
            cross-origin isolation headers, so Godot in the browser reaches this API
            same-origin (no CORS); see :func:`benchgen.godot._web.stage_page`.
    """
    from benchgen.pipeline.batch import check_output_folder

    out = out.resolve()
    check_output_folder(out)
    store = Store(db_url) if db_url else Store.in_folder(out)
    jobs = JobManager(store, out, workers=workers, runner=generate_runner)
    jobs.recover()
    project_dir = project_dir or Path(__file__).resolve().parents[3]  # the repository root
    verify_pool: list[ProcessPoolExecutor] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(jobs.shutdown)
        for pool in verify_pool:
            pool.shutdown(wait=False, cancel_futures=True)

    app = _App(
        title="benchgen",
        version=_version(),
        lifespan=lifespan,
        description="Generate, verify and benchmark physics scenarios (the Godot dock's backend).",
        responses={
            400: {"description": "The body is not valid JSON or not UTF-8."},
            413: {"description": "The body is over the size limit."},
            422: {"description": "A field is invalid; `message` names it."},
        },
    )
    app.max_body = max_body
    app.state.jobs, app.state.store, app.state.out = jobs, store, out

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={
                "detail": [
                    {k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                    for e in exc.errors()
                ],
                "message": _explain(exc),
            },
        )

    @app.exception_handler(BenchgenError)
    async def _benchgen_error(_request: Request, exc: BenchgenError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.get("/api/health", response_model=m.Health, tags=["server"])
    async def health() -> m.Health:
        """Answer at once: the server is up (jobs run elsewhere)."""
        return m.Health(
            version=app.version, jobs_running=jobs.running(), llm_configured=llm_configured()
        )

    @app.get("/api/families", response_model=list[m.FamilyInfo], tags=["families"])
    def families() -> list[m.FamilyInfo]:
        """List the procedural families with the JSON Schema of their parameters."""
        from benchgen.families import family_names, get_family

        return [
            m.FamilyInfo(
                name=n,
                description=get_family(n).description,
                params_schema=get_family(n).params_schema(),
            )
            for n in family_names()
        ]

    @app.post(
        "/api/jobs",
        response_model=m.JobCreated,
        status_code=202,
        tags=["jobs"],
        responses={409: {"description": "Free text needs an LLM, and none is configured."}},
    )
    def create_job(body: Annotated[m.JobRequest, Body()]) -> m.JobCreated:
        """Start generating scenarios of a family (or, with an LLM, from free text)."""
        if isinstance(body, m.AgentJobRequest):
            return m.JobCreated(id=_submit_agent(jobs, body.request, out))
        request = body.model_dump(mode="json")
        return m.JobCreated(id=jobs.submit("generate", request))

    @app.get("/api/jobs/{job_id}", response_model=m.JobStatus, tags=["jobs"], responses=_NOT_FOUND)
    def get_job(job_id: _JobId) -> m.JobStatus:
        """Return a job's state, progress and the scenarios it touched."""
        found = jobs.get(job_id)
        if found is None:
            raise HTTPException(404, f"no job {job_id}; list jobs with GET /api/jobs")
        return _job_status(*found)

    @app.get("/api/jobs", response_model=list[m.JobStatus], tags=["jobs"])
    def list_jobs() -> list[m.JobStatus]:
        """Return every job, newest first."""
        return [_job_status(j, list(j.result.get("warnings", []))) for j in store.jobs()]

    @app.delete(
        "/api/jobs/{job_id}",
        response_model=m.JobStatus,
        status_code=202,
        tags=["jobs"],
        responses=_NOT_FOUND,
    )
    def cancel_job(job_id: _JobId) -> m.JobStatus:
        """Cancel a job: queued ones stop at once, a running one after its current builds."""
        if jobs.cancel(job_id) is None:
            raise HTTPException(404, f"no job {job_id}")
        found = jobs.get(job_id)
        assert found is not None
        return _job_status(*found)

    @app.get("/api/scenarios", response_model=list[m.ScenarioSummary], tags=["scenarios"])
    def scenarios(
        family: Annotated[str | None, Query(max_length=64)] = None,
        status: Annotated[Literal["promoted", "rejected"] | None, Query()] = None,
    ) -> list[m.ScenarioSummary]:
        """List promoted scenarios on disk and rejected attempts, with thumbnail URLs."""
        if family is not None:
            _check_family(family, out)
        return list_scenarios(out, store, family=family, status=status)

    @app.get(
        "/api/scenarios/{scenario_id}",
        response_model=m.ScenarioDetail,
        tags=["scenarios"],
        responses=_NOT_FOUND,
    )
    def scenario(scenario_id: _ScenarioId) -> m.ScenarioDetail:
        """Return a scenario's spec, verification and render URLs."""
        detail = scenario_detail(out, store, scenario_id, project_dir)
        if detail is None:
            raise HTTPException(404, f"no scenario {scenario_id} in {out}")
        return detail

    @app.post(
        "/api/scenarios/{scenario_id}/verify",
        response_model=m.VerifyReport,
        tags=["scenarios"],
        responses=_NOT_FOUND,
    )
    async def verify(scenario_id: _ScenarioId) -> m.VerifyReport:
        """Re-verify a promoted scenario (hashes, model, trials) in a worker process."""
        folder = scenario_dir(out, scenario_id)
        if folder is None:
            raise HTTPException(404, f"no promoted scenario {scenario_id} in {out}")
        if not verify_pool:
            import multiprocessing

            verify_pool.append(
                ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            )
        result = await asyncio.wrap_future(verify_pool[0].submit(_verify_in_child, str(folder)))
        return m.VerifyReport(id=scenario_id, **result)

    @app.get("/files/{rel:path}", tags=["files"], responses=_NOT_FOUND, response_class=FileResponse)
    def files(rel: str) -> FileResponse:
        """Serve a file of a scenario folder (renders, model, scene), read-only."""
        path = resolve_file(out, rel)
        if path is None:
            raise HTTPException(404, f"no file {rel!r} under a scenario folder")
        return FileResponse(path)

    scene = project_dir / BENCHMARK_SCENE

    @app.get(
        "/api/benchmark/scenarios",
        response_model=m.BenchmarkScenes,
        tags=["benchmark"],
        responses=_NOT_FOUND,
    )
    def benchmark_scenes() -> m.BenchmarkScenes:
        """Return the scenario array of the benchmark scene."""
        _check_scene(scene)
        return m.BenchmarkScenes(
            scene=f"res://{BENCHMARK_SCENE.as_posix()}", scenarios=read_benchmark_scenarios(scene)
        )

    @app.post(
        "/api/benchmark/scenarios",
        response_model=m.BenchmarkScenes,
        tags=["benchmark"],
        responses={**_NOT_FOUND, 409: {"description": "The scene is not in the project."}},
    )
    def add_to_benchmark(body: m.BenchmarkScenesRequest) -> m.BenchmarkScenes:
        """Add the Godot scenes of scenarios to the benchmark scene's array."""
        _check_scene(scene)
        paths = [_scene_res_path(out, project_dir, sid) for sid in body.scenario_ids]
        array = add_benchmark_scenarios(scene, paths, replace=body.replace)
        return m.BenchmarkScenes(scene=f"res://{BENCHMARK_SCENE.as_posix()}", scenarios=array)

    @app.post(
        "/api/benchmark/runs",
        response_model=m.JobCreated,
        status_code=202,
        tags=["benchmark"],
        responses=_NOT_FOUND,
    )
    def start_benchmark(body: m.BenchmarkRunRequest) -> m.JobCreated:
        """Run the benchmark scene in Godot in the background."""
        _check_scene(scene)
        request = body.model_dump(mode="json")

        def work(live: Any) -> None:
            count = 0

            def on_line(line: str, _is_error: bool) -> None:
                nonlocal count
                count += 1
                live.job.result = {**live.job.result, "log": {"lines": count, "last": line[-500:]}}
                jobs.save(live, throttle_s=0.5)

            result = run_benchmark(request, project_dir, on_line, runner=godot_runner)
            live.job.result = {**live.job.result, "benchmark": result}
            live.job.done = 1

        return m.JobCreated(id=jobs.submit("benchmark", {**request, "count": 1}, work=work))

    @app.get(
        "/api/benchmark/runs/{run_id}",
        response_model=m.BenchmarkRun,
        tags=["benchmark"],
        responses=_NOT_FOUND,
    )
    def benchmark_run(run_id: _JobId) -> m.BenchmarkRun:
        """Return a benchmark run's state, progress and results."""
        found = jobs.get(run_id)
        if found is None or found[0].kind != "benchmark":
            raise HTTPException(404, f"no benchmark run {run_id}")
        job = found[0]
        log = job.result.get("log", {})
        bench = job.result.get("benchmark") or {}
        return m.BenchmarkRun(
            id=job.id,
            state=job.state,
            lines=int(log.get("lines", 0)),  # type: ignore[arg-type]
            last_line=str(log.get("last", "")),
            error=job.error,
            results=bench or None,
            request=job.request,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )

    if godot_page_dir is not None:
        _mount_godot_page(app, godot_page_dir.resolve())
    return app


def llm_configured() -> bool:
    """Return True when the LLM environment variables free-text requests need are set."""
    return all(os.environ.get(name) for name in LLM_ENV)


def _mount_godot_page(app: FastAPI, folder: Path) -> None:
    from benchgen.godot._web import ISOLATION_HEADERS, MEDIA_TYPES

    @app.get("/godot/{name}", tags=["godot"], include_in_schema=False)
    def godot_page(name: str) -> FileResponse:
        """Serve one file of the staged Godot web page, cross-origin isolated."""
        path = folder / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, f"no file {name!r} in the Godot page folder")
        media = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media, headers=dict(ISOLATION_HEADERS))


def _job_status(job: Job, warnings: list[str]) -> m.JobStatus:
    return m.JobStatus(
        id=job.id,
        kind=job.kind,
        state=job.state,  # type: ignore[arg-type]
        progress=m.Progress(done=job.done, total=job.total),
        scenarios=[m.JobScenario.model_validate(s) for s in job.result.get("scenarios", [])],
        error=job.error or "",
        warnings=warnings,
        request=job.request,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


def _check_family(family: str, out: Path) -> None:
    import re

    from benchgen.families import family_names

    known = family_names()
    on_disk = re.fullmatch(m.FAMILY_PATTERN, family) is not None and (out / family).is_dir()
    if family not in known and not on_disk:
        raise HTTPException(
            422, f"family {family!r} is not a scenario family; available: {', '.join(known)}"
        )


def _check_scene(scene: Path) -> None:
    if not scene.is_file():
        raise HTTPException(
            404,
            f"the benchmark scene {scene} does not exist; "
            "restore benchmarking/benchmarker.tscn in the Godot project",
        )


def _scene_res_path(out: Path, project_dir: Path, scenario_id: str) -> str:
    folder = scenario_dir(out, scenario_id)
    if folder is None:
        raise HTTPException(404, f"no promoted scenario {scenario_id} in {out}")
    scene = folder / "godot" / "scene.tscn"
    if not scene.is_file():
        raise HTTPException(
            409,
            f"{scenario_id} has no Godot scene (godot/scene.tscn); "
            "generate it with godot export on",
        )
    try:
        return "res://" + scene.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        raise HTTPException(
            409,
            f"{scene} is outside the Godot project {project_dir}; "
            "serve an output folder inside the project "
            "(e.g. --out scenarios)",
        ) from None


def _submit_agent(jobs: JobManager, request: str, out: Path) -> str:
    missing = [name for name in LLM_ENV if not os.environ.get(name)]
    if missing:
        raise HTTPException(
            409,
            "free-text requests need an LLM, and none is configured: set "
            f"{' and '.join(missing)} (any OpenAI-compatible endpoint) "
            "and restart `benchgen serve`, or pick a family instead",
        )
    try:
        from benchgen.agent import run_agent_job  # type: ignore[attr-defined]
    except ImportError:
        raise HTTPException(
            409,
            "the LLM agent pipeline (benchgen.agent.run_agent_job) is not "
            "installed in this build; pick a family instead",
        ) from None

    def work(live: Any) -> None:
        import inspect

        offered = {"cancel": live.cancel, "job_id": live.job.id}
        accepted = inspect.signature(run_agent_job).parameters
        result = run_agent_job(request, out, **{k: v for k, v in offered.items() if k in accepted})
        dumped = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
        live.job.result = {**live.job.result, "agent": dumped}
        live.job.done = 1

    return jobs.submit("agent", {"request": request, "count": 1}, work=work)
