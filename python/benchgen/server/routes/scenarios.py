"""``/api/scenarios`` and ``/files``: the dataset as the dock browses it, read-only."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse

from benchgen.errors import InvalidSpecError
from benchgen.server import models as m
from benchgen.server.routes._params import NOT_FOUND, ScenarioId
from benchgen.server.scenarios import list_scenarios, resolve_file, scenario_detail, scenario_dir
from benchgen.server.state import State
from benchgen.spec.ids import NAME_MAX_LENGTH

__all__ = ["router"]

router = APIRouter()


def verify_in_child(folder: str) -> m.VerifyReport:
    """Re-verify one folder (run in the verify worker process)."""
    from benchgen.verify import verify_folder

    report = verify_folder(Path(folder))
    return m.VerifyReport(
        id=report.scenario_id or Path(folder).name,
        ok=report.ok,
        reasons=[str(r) for r in report.reasons],
        checks=report.checks,
    )


def _check_family(family: str, out: Path) -> None:
    from benchgen.families import family_names

    known = family_names()
    on_disk = re.fullmatch(m.FAMILY_PATTERN, family) is not None and (out / family).is_dir()
    if family not in known and not on_disk:
        raise HTTPException(
            422, f"family {family!r} is not a scenario family; available: {', '.join(known)}"
        )


@router.get("/api/scenarios", response_model=list[m.ScenarioSummary], tags=["scenarios"])
def scenarios(
    state: State,
    family: Annotated[str | None, Query(max_length=NAME_MAX_LENGTH)] = None,
    status: Annotated[Literal["promoted", "rejected"] | None, Query()] = None,
) -> list[m.ScenarioSummary]:
    """List promoted scenarios on disk and rejected attempts, with thumbnail URLs."""
    if family is not None:
        _check_family(family, state.out)
    return list_scenarios(state.out, state.store, family=family, status=status)


@router.get(
    "/api/scenarios/{scenario_id}",
    response_model=m.ScenarioDetail,
    tags=["scenarios"],
    responses={**NOT_FOUND, 409: {"description": "The scenario's scenario.json is corrupted."}},
)
def scenario(scenario_id: ScenarioId, state: State) -> m.ScenarioDetail:
    """Return a scenario's spec, verification and render URLs."""
    try:
        detail = scenario_detail(state.out, state.store, scenario_id, state.project_dir)
    except InvalidSpecError as exc:
        raise HTTPException(
            409, f"scenario {scenario_id} is corrupted: {exc} (check it with `benchgen verify`)"
        ) from None
    if detail is None:
        raise HTTPException(404, f"no scenario {scenario_id} in {state.out}")
    return detail


@router.post(
    "/api/scenarios/{scenario_id}/verify",
    response_model=m.VerifyReport,
    tags=["scenarios"],
    responses=NOT_FOUND,
)
async def verify(scenario_id: ScenarioId, state: State) -> m.VerifyReport:
    """Re-verify a promoted scenario (hashes, model, trials) in a worker process."""
    folder = scenario_dir(state.out, scenario_id)
    if folder is None:
        raise HTTPException(404, f"no promoted scenario {scenario_id} in {state.out}")
    future = state.verify_pool().submit(verify_in_child, str(folder))
    report = await asyncio.wrap_future(future)
    return report.model_copy(update={"id": scenario_id})


@router.get("/files/{rel:path}", tags=["files"], responses=NOT_FOUND, response_class=FileResponse)
def files(rel: str, state: State) -> FileResponse:
    """Serve a file of a scenario folder (renders, model, scene), read-only."""
    path = resolve_file(state.out, rel)
    if path is None:
        raise HTTPException(404, f"no file {rel!r} under a scenario folder")
    return FileResponse(path)
