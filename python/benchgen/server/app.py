"""The HTTP API the Godot dock talks to: a thin layer over the Python API.

Run it with ``benchgen serve``. Generation runs in other processes (see :mod:`.jobs`),
so the event loop only answers requests and ``GET /api/health`` stays fast while a job
runs. Nothing here imports build123d or MuJoCo on a request path. The routes live in
:mod:`.routes`, one router per resource, and share one :class:`.state.ServerState`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.types import ASGIApp

from benchgen import __version__, resources
from benchgen.errors import BenchgenError, InvalidSpecError
from benchgen.server import models as m
from benchgen.server.guard import LOOPBACK_NAMES, GuardMiddleware
from benchgen.server.jobs import MAX_QUEUED, GenerateRunner, JobManager
from benchgen.server.limits import DEFAULT_MAX_BODY, BodyLimitMiddleware
from benchgen.server.routes import ROUTERS
from benchgen.server.routes.jobs import resume_work
from benchgen.server.routes.meta import LLM_ENV, llm_configured
from benchgen.server.state import ServerState
from benchgen.store import Store

__all__ = ["LLM_ENV", "create_app", "llm_configured"]


class _App(FastAPI):
    """FastAPI with the guard and the body-size limit outside every other layer."""

    max_body: int = DEFAULT_MAX_BODY
    hosts: tuple[str, ...] | None = LOOPBACK_NAMES
    token: str | None = None

    def build_middleware_stack(self) -> ASGIApp:
        limited = BodyLimitMiddleware(super().build_middleware_stack(), max_bytes=self.max_body)
        guarded = GuardMiddleware(limited, hosts=self.hosts, token=self.token)
        return cast(ASGIApp, guarded)


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


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": errors, "message": _explain(exc)})


async def _benchgen_error(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": str(exc)})


def create_app(
    out: Path,
    *,
    db_url: str | None = None,
    workers: int = 1,
    project_dir: Path | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    max_queued: int = MAX_QUEUED,
    hosts: Sequence[str] | None = LOOPBACK_NAMES,
    token: str | None = None,
    generate_runner: GenerateRunner | None = None,
    godot_runner: Any = None,
    godot_page_dir: Path | None = None,
    warm: bool = False,
) -> FastAPI:
    """Return the benchgen API serving the dataset folder ``out``.

    Args:
        out: the dataset folder (created if needed); scenarios go to ``<out>/<family>/<id>``.
        db_url: the store URL (default: SQLite in ``out``).
        workers: worker processes of each generation job.
        project_dir: the Godot project holding ``benchmarking/benchmarker.tscn``
            (default: :func:`benchgen.resources.project_dir` near ``out``).
        max_body: largest request body accepted, in bytes.
        max_queued: jobs that may wait behind the running one (429 past that).
        hosts: the host names requests must carry in ``Host`` (DNS rebinding); None
            accepts any, for a server other machines reach, which then needs a token.
        token: a token every request but the health check must carry (see
            :mod:`benchgen.server.guard`); required when ``hosts`` is None.
        generate_runner: runs one generation request (default: a spawned child process).
        godot_runner: ``benchgen.godot.runtime.run_godot`` or a stand-in.
        godot_page_dir: a staged Godot web page (``index.html``, ``index.js``,
            ``index.wasm``, ``game.zip``) to serve under ``/godot/`` with the
            cross-origin isolation headers, so Godot in the browser reaches this API
            same-origin (no CORS); see :func:`benchgen.godot._web.stage_page`.
        warm: keep a generation process started (and warmed up) ahead of the next job
            (:class:`benchgen.server.jobs.ChildRunner`); ``benchgen serve`` does.
    """
    from benchgen.pipeline.batch import check_output_folder, check_workers
    from benchgen.pipeline.repair import repair_dataset

    check_workers(workers)
    if hosts is None and not token:
        raise InvalidSpecError(
            "a server that answers to any host name needs a token: pass token=..."
        )
    out = out.resolve()
    check_output_folder(out)
    store = Store(db_url) if db_url else Store.in_folder(out)
    repair_dataset(out, store)  # what a server, job or worker killed before left behind
    jobs = JobManager(
        store, out, workers=workers, runner=generate_runner, max_queued=max_queued, warm=warm
    )
    jobs.recover(resume=functools.partial(resume_work, jobs))
    try:
        project_dir = resources.project_dir(project_dir, near=out)
    except BenchgenError:  # no Godot project: the benchmark routes say benchmarker.tscn is missing
        project_dir = out
    state = ServerState(
        out=out,
        store=store,
        jobs=jobs,
        project_dir=project_dir,
        version=__version__,
        godot_runner=godot_runner,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(state.close)

    app = _App(
        title="benchgen",
        version=state.version,
        lifespan=lifespan,
        description="Generate, verify and benchmark physics scenarios (the Godot dock's backend).",
        responses={
            400: {"description": "The body is not valid JSON or not UTF-8."},
            413: {"description": "The body is over the size limit."},
            422: {"description": "A field is invalid; `message` names it."},
        },
    )
    app.max_body = max_body
    app.hosts = None if hosts is None else tuple(hosts)
    app.token = token
    app.state.benchgen = state
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(BenchgenError, _benchgen_error)
    for router in ROUTERS:
        app.include_router(router)
    if godot_page_dir is not None:
        _mount_godot_page(app, godot_page_dir.resolve())
    return app


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
