"""Path parameters and response descriptions shared by several routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path as PathParam

from benchgen.server import models as m

__all__ = ["NOT_FOUND", "JobId", "ScenarioId"]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such job, scenario or file."}
}
JobId = Annotated[str, PathParam(pattern=m.JOB_ID_PATTERN, description="A job id (32 hex).")]
ScenarioId = Annotated[
    str,
    PathParam(pattern=m.SCENARIO_ID_PATTERN, description="A scenario id: <family>-<seed>-<6 hex>."),
]
