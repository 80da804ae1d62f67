"""``/api/jobs``: start, follow and cancel generation jobs (a family, or free text)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException

from benchgen.server import models as m
from benchgen.server.jobs import JobManager, LiveJob, QueueFullError
from benchgen.server.routes._params import NOT_FOUND, JobId
from benchgen.server.routes.meta import LLM_ENV
from benchgen.server.state import State
from benchgen.store import Job

__all__ = ["job_status", "resume_work", "router"]

router = APIRouter(tags=["jobs"])


def job_status(job: Job, warnings: list[str]) -> m.JobStatus:
    """Return the API view of a stored job."""
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


@router.post(
    "/api/jobs",
    response_model=m.JobCreated,
    status_code=202,
    responses={
        409: {"description": "Free text needs an LLM, and none is configured."},
        429: {"description": "Too many jobs are waiting already."},
    },
)
def create_job(body: Annotated[m.JobRequest, Body()], state: State) -> m.JobCreated:
    """Start generating scenarios of a family (or, with an LLM, from free text)."""
    try:
        if isinstance(body, m.AgentJobRequest):
            return m.JobCreated(id=_submit_agent(state.jobs, body.request))
        return m.JobCreated(id=state.jobs.submit("generate", body.model_dump(mode="json")))
    except QueueFullError as exc:
        raise HTTPException(429, str(exc)) from None


@router.get("/api/jobs/{job_id}", response_model=m.JobStatus, responses=NOT_FOUND)
def get_job(job_id: JobId, state: State) -> m.JobStatus:
    """Return a job's state, progress and the scenarios it touched."""
    found = state.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}; list jobs with GET /api/jobs")
    return job_status(*found)


@router.get("/api/jobs", response_model=list[m.JobStatus])
def list_jobs(state: State) -> list[m.JobStatus]:
    """Return every job, newest first."""
    return [job_status(j, list(j.result.get("warnings", []))) for j in state.store.jobs()]


@router.delete(
    "/api/jobs/{job_id}", response_model=m.JobStatus, status_code=202, responses=NOT_FOUND
)
def cancel_job(job_id: JobId, state: State) -> m.JobStatus:
    """Cancel a job: queued ones stop at once, a running one after its current builds."""
    if state.jobs.cancel(job_id) is None:
        raise HTTPException(404, f"no job {job_id}")
    found = state.jobs.get(job_id)
    assert found is not None
    return job_status(*found)


def _submit_agent(jobs: JobManager, request: str) -> str:
    missing = [name for name in LLM_ENV if not os.environ.get(name)]
    if missing:
        raise HTTPException(
            409,
            "free-text requests need an LLM, and none is configured: set "
            f"{' and '.join(missing)} (any OpenAI-compatible endpoint) "
            "and restart `benchgen serve`, or pick a family instead",
        )
    try:
        import benchgen.agent  # noqa: F401  (fails where the agent extra is missing)
    except ImportError:
        raise HTTPException(
            409,
            "the LLM agent pipeline (benchgen.agent) is not installed in this build; "
            "pick a family instead",
        ) from None
    work = functools.partial(_agent_work, out=jobs.out)
    return jobs.submit("agent", {"request": request, "count": 1}, work=work)


def _agent_work(live: LiveJob, *, out: Path) -> None:
    """Run the agent for a free-text job; its cancel flag and id go to the agent as they are."""
    import benchgen.agent

    result = benchgen.agent.run_agent_job(
        str(live.job.request["request"]), out, run_id=live.job.id, cancel=live.cancel
    )
    live.job.result = {**live.job.result, "agent": result.model_dump(mode="json")}
    if result.status == "promoted":
        live.job.done = 1
    else:
        live.job.error = result.failure or "the agent did not promote a scenario"


def resume_work(jobs: JobManager, job: Job) -> Callable[[LiveJob], None] | None:
    """Return the work that resumes a job a previous server left unfinished (None: cannot)."""
    if job.kind == "generate":
        return jobs.resume_generate(job)
    if job.kind == "agent" and all(os.environ.get(name) for name in LLM_ENV):
        return functools.partial(_agent_work, out=jobs.out)
    return None
