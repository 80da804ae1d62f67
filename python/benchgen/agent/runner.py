"""Run the agent graph for one request: workspace, checkpoints, trace, result.

A run lives in ``<out>/.agent-runs/<run_id>/`` (the workspace, with ``journal.md`` and
``trace.jsonl``); its LangGraph checkpoints are in ``<out>/.agent-runs/checkpoints.sqlite``
(outside the workspace, where sandboxed code cannot touch them), keyed by the run id.
Running again with the same run id resumes an interrupted run at its last finished
node, or returns the result of a finished one. A promoted scenario is published to
``<out>/<family>/<id>/`` like a procedural one.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from benchgen.agent.graph import AgentEvent, AgentSettings, AgentState, Runtime, build_graph
from benchgen.agent.llm import ChatModel, OpenAIChatModel, Usage, load_llm_config
from benchgen.agent.skills import default_learned_dir, default_skill_dirs, load_skills
from benchgen.agent.trace import Tracer
from benchgen.agent.workspace import Workspace
from benchgen.errors import AgentError

__all__ = ["RUNS_DIR", "AgentRunResult", "new_run_id", "run_agent", "run_agent_job"]

RUNS_DIR = ".agent-runs"


class AgentRunResult(BaseModel):
    """The outcome of one agent run and where its artifacts are."""

    run_id: str
    request: str
    status: Literal["promoted", "failed"]
    workspace: str
    journal: str
    trace: str
    checkpoints: str
    scenario_id: str | None = None
    family: str | None = None
    promoted_folder: str | None = None
    failure: str = ""
    reasons: list[str] = Field(default_factory=list)
    iterations: int = 0
    reviews: list[str] = Field(default_factory=list)
    learned_skills: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model: str = ""


def new_run_id() -> str:
    """Return a fresh run id: ``YYYYmmdd-HHMMSS-<6 hex>``."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _result(state: dict[str, Any], *, ws: Workspace, db: Path, model: ChatModel) -> AgentRunResult:
    return AgentRunResult(
        run_id=state["run_id"], request=state["request"],
        status="promoted" if state.get("status") == "promoted" else "failed",
        workspace=str(ws.root), journal=str(ws.root / "journal.md"),
        trace=str(ws.root / "trace.jsonl"), checkpoints=str(db),
        scenario_id=state.get("scenario_id") or None, family=state.get("family") or None,
        promoted_folder=state.get("promoted_folder") or None, failure=state.get("failure", ""),
        reasons=state.get("reasons", []), iterations=state.get("iteration", 0),
        reviews=state.get("reviews", []), learned_skills=state.get("learned", []),
        usage=Usage(**(state.get("usage") or {})), model=model.name,
    )  # fmt: skip


def run_agent(
    request: str | None,
    out: Path,
    *,
    model: ChatModel,
    run_id: str | None = None,
    settings: AgentSettings | None = None,
    on_event: Callable[[AgentEvent], None] | None = None,
    skill_dirs: list[Path] | None = None,
    learned_dir: Path | None = None,
    cancel: threading.Event | None = None,
) -> AgentRunResult:
    """Run (or resume) the agent graph for ``request`` with ``model``.

    Args:
        request: what to generate, in words; may be None when resuming ``run_id``.
        out: the dataset folder; the promoted scenario goes to ``<out>/<family>/<id>/``.
        model: the chat model (an :class:`OpenAIChatModel`, or a scripted one in tests).
        run_id: resume this run if it has checkpoints; else start it under this id.
        settings: iteration limits, sandbox limits, renders, learning.
        on_event: called with an :class:`AgentEvent` as steps start and finish.
        skill_dirs: skill folders (default :func:`~benchgen.agent.skills.default_skill_dirs`).
        learned_dir: the learned-skills folder (default ``.agent/learned-skills``).
        cancel: set it to stop the run before its next model call (resumable later).

    Raises:
        AgentError: the endpoint failed, or a run id was given without a request and
            has no checkpoint. The run can then be resumed with the same run id.
    """
    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.sqlite import SqliteSaver

    settings = settings or AgentSettings()
    run_id = run_id or new_run_id()
    runs = out.resolve() / RUNS_DIR
    runs.mkdir(parents=True, exist_ok=True)
    db = runs / "checkpoints.sqlite"
    learned_dir = learned_dir or default_learned_dir()
    skills = load_skills(
        skill_dirs if skill_dirs is not None else default_skill_dirs(), learned_dir=learned_dir
    )
    ws = Workspace.create(
        runs / run_id, skills={s.name: Path(s.path).parent for s in skills if s.path}
    )
    tracer = Tracer(ws.root / "trace.jsonl", run_id=run_id)
    rt = Runtime(
        ws=ws,
        model=model,
        tracer=tracer,
        settings=settings,
        out=out.resolve(),
        skills=skills,
        learned_dir=learned_dir,
        on_event=on_event,
        cancel=cancel,
    )
    config: RunnableConfig = {
        "configurable": {"thread_id": run_id},
        "recursion_limit": 20 + 6 * settings.max_iterations,
    }
    conn = sqlite3.connect(db, check_same_thread=False)
    try:
        graph = build_graph(rt).compile(checkpointer=SqliteSaver(conn))
        snapshot = graph.get_state(config)
        if snapshot.values and not snapshot.next:
            state = snapshot.values
        elif snapshot.values:
            tracer.event("resume", next=list(snapshot.next))
            state = graph.invoke(None, config)
        else:
            if not request:
                raise AgentError(
                    f"run {run_id!r} has no checkpoint in {db}: give a REQUEST to start it"
                )
            initial: AgentState = {
                "request": request,
                "run_id": run_id,
                "step": 0,
                "iteration": 0,
                "reviews": [],
                "usage": Usage().model_dump(),
            }
            tracer.event(
                "start",
                request=request,
                model=model.name,
                settings=settings.model_dump(mode="json"),
            )
            state = graph.invoke(initial, config)
    except AgentError as exc:
        tracer.event("interrupted", error=str(exc))
        raise AgentError(
            f"agent run {run_id} stopped: {exc} (resume it with --run-id {run_id})"
        ) from exc
    finally:
        conn.close()
        tracer.close()
    return _result(dict(state), ws=ws, db=db, model=model)


def run_agent_job(
    request: str,
    out: Path,
    *,
    config: str | None = None,
    max_iterations: int = 3,
    on_event: Callable[[AgentEvent], None] | None = None,
    model: ChatModel | None = None,
    run_id: str | None = None,
    settings: AgentSettings | None = None,
    cancel: threading.Event | None = None,
) -> AgentRunResult:
    """Run the agent for a free-text request (what the server's jobs and the CLI call).

    Args:
        request: what to generate, in words.
        out: the dataset folder.
        config: a named LLM configuration; None for the BENCHGEN_LLM_* variables.
        max_iterations: Coder rounds before the run is recorded as failed.
        on_event: progress callback (:class:`AgentEvent`).
        model: a chat model to use instead of the configured endpoint (tests).
        run_id: resume or name the run.
        settings: further settings; ``max_iterations`` overrides theirs.
        cancel: set it to stop the run before its next model call.

    Raises:
        AgentError: no LLM is configured, or the endpoint failed.
    """
    if model is None:
        model = OpenAIChatModel(load_llm_config(config))
    base = (settings or AgentSettings()).model_dump()
    settings = AgentSettings.model_validate({**base, "max_iterations": max_iterations})
    return run_agent(
        request,
        out,
        model=model,
        run_id=run_id,
        settings=settings,
        on_event=on_event,
        cancel=cancel,
    )
