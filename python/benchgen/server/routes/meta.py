"""``/api/health`` and ``/api/families``: what the server is and what it can generate."""

from __future__ import annotations

import os

from fastapi import APIRouter

from benchgen.server import models as m
from benchgen.server.state import State

__all__ = ["LLM_ENV", "llm_configured", "router"]

LLM_ENV = ("BENCHGEN_LLM_BASE_URL", "BENCHGEN_LLM_MODEL")
router = APIRouter()


def llm_configured() -> bool:
    """Return True when the LLM environment variables free-text requests need are set."""
    return all(os.environ.get(name) for name in LLM_ENV)


@router.get("/api/health", response_model=m.Health, tags=["server"])
async def health(state: State) -> m.Health:
    """Answer at once: the server is up (jobs run elsewhere)."""
    return m.Health(
        version=state.version,
        jobs_running=state.jobs.running(),
        llm_configured=llm_configured(),
        generator_warm=state.jobs.generator_warm(),
    )


@router.get("/api/families", response_model=list[m.FamilyInfo], tags=["families"])
def families() -> list[m.FamilyInfo]:
    """List the procedural families with the JSON Schema of their parameters."""
    from benchgen.families import family_names, get_family

    return [
        m.FamilyInfo(
            name=name,
            description=get_family(name).description,
            params_schema=get_family(name).params_schema(),
        )
        for name in family_names()
    ]
