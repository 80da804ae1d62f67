"""``/api/solve`` and ``/api/agents``: Godot's agents act through benchgen eval's solvers."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import ValidationError

from benchgen.server import models as m
from benchgen.server.routes._params import NOT_FOUND
from benchgen.server.scenarios import scenario_dir
from benchgen.server.state import State
from benchgen.spec.ids import GODOT_AGENTS

__all__ = ["router"]

router = APIRouter(tags=["solve"])


@router.get("/api/agents", response_model=m.AgentsInfo)
def agents() -> m.AgentsInfo:
    """List Godot's baseline agents and the LLM configurations next to them."""
    from benchgen.agent.llm import config_names
    from benchgen.eval.agents import AGENTS

    baselines = [a for a in GODOT_AGENTS if a != "llm"]
    return m.AgentsInfo(baselines=baselines, llms=config_names(), solvers=list(AGENTS))


@router.post("/api/solve", response_model=m.SolveResponse, responses=NOT_FOUND)
async def solve(body: m.SolveRequest, state: State) -> m.SolveResponse:
    """Return an agent's next solution for a scenario, its MuJoCo outcome, and it for Godot."""
    from benchgen.eval.solve import SolveTurn, solve_attempt

    folder = scenario_dir(state.out, body.scenario_id)
    if folder is None:
        raise HTTPException(404, f"no promoted scenario {body.scenario_id} in {state.out}")
    try:
        history = [SolveTurn.model_validate(turn) for turn in body.history]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise HTTPException(422, f"history entry field '{where}': {first['msg']}") from None
    result = await solve_attempt(
        folder, agent=body.agent, config=body.config, attempts=body.attempts,
        seed=body.seed, history=history,
    )  # fmt: skip
    return m.SolveResponse(**result)
