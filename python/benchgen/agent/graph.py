"""The agent graph: Planner → Coder ⇄ Reviewer → promotion gate → Learner, on LangGraph.

::

    START → planner → coder ─submitted─→ reviewer ─approved─→ promote ─promoted─→ learner → finish
                       ↑  └─out of turns─┐   │ rejected             │ gate rejected
                       └─────────────────┴───┴──────────────────────┘   (while iterations remain;
                                                                          else → learner, failed)

Why plain ``StateGraph`` and not ``deepagents`` (which the generator spec names, and which
the package registry serves): deepagents' filesystem and shell middlewares run tools
in-process or in their own backends, while here every piece of agent-written code must go
through benchgen's bwrap sandbox and promotion must go through the procedural
``build_scenario`` gate; the three roles have different tools and writable files; and its
defaults pull in a hosted model provider. The graph benchgen needs is five nodes with
explicit routing, which ``StateGraph`` expresses directly, and LangGraph's SQLite
checkpointer (thread id = run id) makes an interrupted run resume at the last finished
node.

State holds only JSON-able data (messages as OpenAI dicts), so checkpoints serialize;
the model, the workspace and the tracer live in :class:`Runtime`.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, ConfigDict, Field

from benchgen.agent import prompts
from benchgen.agent.learner import learn_from_journals
from benchgen.agent.llm import ChatModel, ModelReply, Usage
from benchgen.agent.promote import promote_family
from benchgen.agent.reviews import review_paths, write_review
from benchgen.agent.skills import Skill, select_skills
from benchgen.agent.toolbox import ToolBox
from benchgen.agent.tools import SIMULATION_FILE
from benchgen.agent.trace import Tracer
from benchgen.agent.workspace import ToolError, Workspace
from benchgen.errors import AgentError
from benchgen.sandbox import SandboxLimits

__all__ = ["AgentEvent", "AgentSettings", "AgentState", "Runtime", "build_graph"]


class AgentSettings(BaseModel):
    """Limits and switches of one agent run."""

    model_config = ConfigDict(extra="forbid")

    max_iterations: int = Field(
        3, ge=1, description="Coder rounds (each ends in a review or the gate)."
    )
    planner_turns: int = Field(12, ge=1)
    coder_turns: int = Field(40, ge=1, description="Model replies per Coder round.")
    reviewer_turns: int = Field(6, ge=1)
    learner_turns: int = Field(2, ge=1)
    validation_seeds: tuple[int, ...] = (0, 1, 2)
    promote_seed: int = 0
    renders: bool = Field(True, description="Render views in simulate and in the promoted folder.")
    godot: bool = Field(True, description="Export the Godot scene of the promoted scenario.")
    learn: bool = True
    max_images: int = Field(6, ge=0, description="Renders sent to a vision-capable Reviewer.")
    skills_k: int = Field(3, ge=0, description="Skills inlined in prompts, by relevance.")
    sandbox: SandboxLimits = SandboxLimits(timeout_s=600.0, cpu_s=600, memory_mb=4096)


class AgentEvent(BaseModel):
    """Progress of a run, for the CLI and the server's job log."""

    run_id: str
    kind: str  # step_started | step_finished | tool | finished
    step: str = ""
    message: str = ""


class AgentState(TypedDict, total=False):
    """The checkpointed state of a run."""

    request: str
    run_id: str
    step: int
    iteration: int
    coder_messages: list[dict[str, Any]]
    feedback: str
    phase: str
    status: str
    failure: str
    reasons: list[str]
    reviews: list[str]
    scenario_id: str
    family: str
    promoted_folder: str
    learned: list[str]
    usage: dict[str, int]


@dataclass
class Runtime:
    """What the nodes use but the checkpoint does not hold."""

    ws: Workspace
    model: ChatModel
    tracer: Tracer
    settings: AgentSettings
    out: Path
    skills: list[Skill]
    learned_dir: Path
    on_event: Callable[[AgentEvent], None] | None = None
    usage: Usage = field(default_factory=Usage)
    cancel: threading.Event | None = None

    def emit(self, kind: str, step: str = "", message: str = "") -> None:
        if self.on_event is not None:
            self.on_event(
                AgentEvent(run_id=self.tracer.run_id, kind=kind, step=step, message=message)
            )

    def complete(
        self, role: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> ModelReply:
        """Call the model, traced with its timing and token usage.

        Raises:
            AgentError: the run was cancelled (checked before every model call).
        """
        if self.cancel is not None and self.cancel.is_set():
            raise AgentError("the run was cancelled")
        with self.tracer.timed(
            "model_call",
            role=role,
            model=self.model.name,
            input={"messages": len(messages), "last": messages[-1]},
        ) as record:
            reply = self.model.complete(messages, tools=tools)
            record.update(
                usage=reply.usage.model_dump(), attempts=reply.attempts, output=reply.as_message()
            )
        self.usage = self.usage.add(reply.usage)
        return reply


class _Step:
    """The result of one role's conversation."""

    def __init__(self) -> None:
        self.intent = ""
        self.last_text = ""
        self.finished = False


def _converse(
    rt: Runtime,
    role: str,
    messages: list[dict[str, Any]],
    box: ToolBox | None,
    *,
    turns: int,
    done: Callable[[], bool],
    on_text: Callable[[str], str | None],
) -> _Step:
    """Run a role's tool loop until ``done()``, ``on_text`` accepts a reply, or turns run out."""
    step = _Step()
    for _ in range(turns):
        reply = rt.complete(role, messages, box.schemas() if box else None)
        messages.append(reply.as_message())
        if reply.content:
            step.intent = step.intent or reply.content
            step.last_text = reply.content
        if reply.tool_calls and box is not None:
            for call in reply.tool_calls:
                with rt.tracer.timed(
                    "tool_call", role=role, tool=call.name, input=call.arguments
                ) as rec:
                    result = box.call(call.name, call.arguments)
                    rec["output"] = result
                rt.emit(
                    "tool", role, f"{call.name}: {result.splitlines()[0] if result else ''}"[:200]
                )
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
            if done():
                step.finished = True
                return step
            continue
        nudge = on_text(reply.content or "")
        if nudge is None:
            step.finished = True
            return step
        messages.append({"role": "user", "content": nudge})
    return step


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines) or "- (no tool calls)"


def _usage(state: AgentState, rt: Runtime) -> dict[str, int]:
    """Return the run's token usage: the checkpointed total plus this node's calls."""
    total = Usage(**(state.get("usage") or {})).add(rt.usage)
    rt.usage = Usage()
    return total.model_dump()


def _begin(rt: Runtime, state: AgentState, name: str) -> str:
    label = f"{state.get('step', 0) + 1}. {name}"
    rt.emit("step_started", label)
    return label


# Nodes -------------------------------------------------------------------------------


def _planner(rt: Runtime, state: AgentState) -> AgentState:
    label = _begin(rt, state, "planner")
    ws = rt.ws
    chosen = select_skills(state["request"], rt.skills, k=rt.settings.skills_k)
    skills = prompts.skills_section(chosen, rt.skills)
    messages = [
        {
            "role": "system",
            "content": f"{prompts.PLANNER}\n\n## Skills\n{skills}",
        },
        {"role": "user", "content": state["request"]},
    ]
    box = ToolBox(ws, "planner", limits=rt.settings.sandbox)

    def on_text(_: str) -> str | None:
        if not ws.text("plan.md").strip():
            return "plan.md is still empty: write it with the write tool."
        if "- [ ]" not in ws.text("todo.md"):
            return "todo.md needs a checkbox list ('- [ ] step'): write it with the write tool."
        return None

    step = _converse(
        rt,
        "planner",
        messages,
        box,
        turns=rt.settings.planner_turns,
        done=lambda: False,
        on_text=on_text,
    )
    ws.set_plan_baseline()
    result = _bullets(box.outcome.results)
    ws.append_journal(
        label,
        intent=step.intent or "Plan the scenario family.",
        result=result,
        reflection=step.last_text
        if step.finished
        else f"No plan after {rt.settings.planner_turns} turns.",
    )
    rt.emit("step_finished", label, "plan written" if step.finished else "planner failed")
    update: AgentState = {"step": state.get("step", 0) + 1, "usage": _usage(state, rt)}
    if not step.finished:
        return {
            **update,
            "phase": "learner",
            "status": "failed",
            "failure": "the Planner wrote no usable plan.md and todo.md",
            "reasons": ["PLANNER_FAILED"],
        }
    return {**update, "phase": "coder"}


def _coder_opening(rt: Runtime, state: AgentState) -> list[dict[str, Any]]:
    from benchgen.agent.docs import docs_for

    ws = rt.ws
    chosen = select_skills(
        f"{state['request']}\n{ws.text('plan.md')}", rt.skills, k=rt.settings.skills_k
    )
    skills = prompts.skills_section(chosen, rt.skills)
    system = f"{prompts.coder_system(docs_for('family'))}\n\n## Skills\n{skills}"
    task = (
        f"Request: {state['request']}\n\n# plan.md\n{ws.text('plan.md')}\n\n"
        f"# todo.md\n{ws.text('todo.md')}\n\nYou have {rt.settings.max_iterations} review "
        f"round(s) and {rt.settings.coder_turns} replies per round."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": task}]


def _coder(rt: Runtime, state: AgentState) -> AgentState:
    iteration = state.get("iteration", 0) + 1
    label = _begin(rt, state, f"coder (iteration {iteration})")
    messages = list(state.get("coder_messages") or _coder_opening(rt, state))
    if state.get("feedback"):
        messages.append({"role": "user", "content": state["feedback"]})
    box = ToolBox(
        rt.ws,
        "coder",
        limits=rt.settings.sandbox,
        validation_seeds=rt.settings.validation_seeds,
        renders=rt.settings.renders,
    )
    nudge = (
        "Keep going with the tools; when script.py validates and simulates, call submit_for_review."
    )
    step = _converse(
        rt,
        "coder",
        messages,
        box,
        turns=rt.settings.coder_turns,
        done=lambda: box.outcome.submitted,
        on_text=lambda _: nudge,
    )
    rt.ws.append_journal(
        label,
        intent=step.intent or "Implement plan.md in script.py.",
        result=_bullets(box.outcome.results),
        reflection=step.last_text
        or ("Submitted for review." if step.finished else "Ran out of turns."),
    )
    rt.emit("step_finished", label, "submitted for review" if step.finished else "out of turns")
    update: AgentState = {
        "step": state.get("step", 0) + 1,
        "iteration": iteration,
        "coder_messages": messages,
        "feedback": "",
        "usage": _usage(state, rt),
    }
    if step.finished:
        return {**update, "phase": "reviewer"}
    turns = rt.settings.coder_turns
    feedback = f"You used all {turns} replies of round {iteration} without submit_for_review."
    return {
        **update,
        **_retry_or_fail(rt, iteration, feedback, "MAX_ITERATIONS", "the Coder never submitted"),
    }


def _retry_or_fail(
    rt: Runtime, iteration: int, feedback: str, reason: str, failure: str
) -> AgentState:
    """Route back to the Coder with ``feedback`` while rounds remain, else fail the run."""
    limit = rt.settings.max_iterations
    if iteration < limit:
        return {"phase": "coder", "feedback": feedback}
    return {
        "phase": "learner",
        "status": "failed",
        "reasons": [reason],
        "failure": f"{failure} within --max-iterations {limit}: {feedback[:2000]}",
    }


def _review_context(rt: Runtime, state: AgentState) -> list[dict[str, Any]]:
    ws = rt.ws
    sim_note = "No simulation was run on this script (renders/simulation.json is missing)."
    sim = ws.root / SIMULATION_FILE
    if sim.is_file():
        data = json.loads(sim.read_text(encoding="utf-8"))
        current = data.get("script_sha256") == ws.script_sha()
        sim_note = (
            "" if current else "WARNING: this simulation was run on an OLDER script.py.\n"
        ) + json.dumps(data, indent=1)[:12000]
    earlier = "\n\n".join(
        f"## {p.name}\n{p.read_text(encoding='utf-8')}" for p in review_paths(ws.root / "reviews")
    )
    text = (
        f"Request: {state['request']}\n\n# plan.md\n{ws.text('plan.md')}\n\n"
        f"# todo.md\n{ws.text('todo.md')}\n\n"
        f"# script.py\n```python\n{ws.text('script.py')}\n```\n\n"
        f"# submission.json\n{ws.text('submission.json')}\n\n"
        f"# Simulation (renders/simulation.json)\n{sim_note}\n\n"
        f"# Earlier reviews\n{earlier or '(none)'}"
    )
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if rt.model.vision:
        for image in ws.images(rt.settings.max_images):
            data_url = "data:image/png;base64," + base64.b64encode(image.read_bytes()).decode()
            content.append({"type": "image_url", "image_url": {"url": data_url}})
    return [{"role": "system", "content": prompts.REVIEWER}, {"role": "user", "content": content}]


def _reviewer(rt: Runtime, state: AgentState) -> AgentState:
    label = _begin(rt, state, f"reviewer (iteration {state.get('iteration', 0)})")
    box = ToolBox(rt.ws, "reviewer", limits=rt.settings.sandbox)

    def on_text(text: str) -> str | None:
        if not text.lstrip().startswith("---"):
            return (
                "Write your review with the write_review tool "
                "(YAML front matter with decision and comments)."
            )
        try:
            path, review = write_review(rt.ws.root / "reviews", text)
        except ToolError as exc:
            return f"ERROR: {exc}"
        box.outcome.review, box.outcome.review_path = review, rt.ws.rel(path)
        return None

    step = _converse(
        rt,
        "reviewer",
        _review_context(rt, state),
        box,
        turns=rt.settings.reviewer_turns,
        done=lambda: box.outcome.review is not None,
        on_text=on_text,
    )
    review, iteration = box.outcome.review, state.get("iteration", 0)
    decision = review.decision if review else "none"
    rt.ws.append_journal(
        label,
        intent=step.intent or "Review the submission.",
        result=_bullets(
            [*box.outcome.results, f"decision: {decision} ({box.outcome.review_path})"]
        ),
        reflection="\n".join(f"- {c}" for c in review.comments) if review else step.last_text,
    )
    rt.emit("step_finished", label, f"review {decision}")
    update: AgentState = {
        "step": state.get("step", 0) + 1,
        "usage": _usage(state, rt),
        "reviews": [
            *state.get("reviews", []),
            *([box.outcome.review_path or ""] if review else []),
        ],
    }
    if review is None:
        return {
            **update,
            "phase": "learner",
            "status": "failed",
            "reasons": ["REVIEWER_FAILED"],
            "failure": f"the Reviewer wrote no valid review in {rt.settings.reviewer_turns} turns",
        }
    if review.decision == "approved":
        return {**update, "phase": "promote"}
    path = box.outcome.review_path or ""
    feedback = f"The Reviewer rejected round {iteration} ({path}):\n{rt.ws.text(path)}"
    return {
        **update,
        **_retry_or_fail(
            rt, iteration, feedback, "REVIEW_REJECTED", "no review approved the family"
        ),
    }


def _promote(rt: Runtime, state: AgentState) -> AgentState:
    label = _begin(rt, state, "promote")
    s = rt.settings
    with rt.tracer.timed("tool_call", role="system", tool="promote") as rec:
        result = promote_family(
            rt.ws, rt.out, seed=s.promote_seed, limits=s.sandbox, renders=s.renders, godot=s.godot
        )
        rec["output"] = result.model_dump()
    promoted = result.status == "promoted"
    rt.ws.append_journal(
        label,
        intent="Build the approved family through the verify gate and publish it.",
        result=(
            f"- {result.status}: {result.scenario_id} {result.folder or ''}\n"
            f"- reasons: {', '.join(result.reasons) or 'none'}"
        ),
        reflection=result.detail or ("Promoted." if promoted else "Rejected by the gate."),
    )
    rt.emit("step_finished", label, f"{result.status} {result.folder or result.detail[:200]}")
    update: AgentState = {
        "step": state.get("step", 0) + 1,
        "scenario_id": result.scenario_id or "",
        "family": result.family or "",
        "usage": _usage(state, rt),
    }
    if promoted:
        return {
            **update,
            "phase": "learner",
            "status": "promoted",
            "promoted_folder": result.folder or "",
            "reasons": [],
        }
    feedback = (
        f"The Reviewer approved, but the verify gate REJECTED the family "
        f"({', '.join(result.reasons)}): {result.detail[:4000]}\nFix script.py and submit again."
    )
    return {
        **update,
        **_retry_or_fail(
            rt,
            state.get("iteration", 0),
            feedback,
            result.reasons[0] if result.reasons else "GATE_REJECTED",
            "the verify gate rejected the family",
        ),
    }


def _learner(rt: Runtime, state: AgentState) -> AgentState:
    label = _begin(rt, state, "learner")
    learned: list[str] = []
    if rt.settings.learn:
        try:
            outcome = learn_from_journals(
                [rt.ws.root / "journal.md"],
                learned_dir=rt.learned_dir,
                complete=lambda m: rt.complete("learner", m, None),
                turns=rt.settings.learner_turns,
            )
            note = outcome.note
            learned = [str(outcome.path)] if outcome.path else []
        except Exception as exc:
            note = f"the Learner failed: {exc}"
    else:
        note = "learning is switched off"
    rt.ws.append_journal(
        label,
        intent="Distill a reusable skill from this journal.",
        result=f"- {note}",
        reflection=f"Run {state.get('status', 'failed')}.",
    )
    rt.emit("step_finished", label, note)
    return {
        "step": state.get("step", 0) + 1,
        "learned": learned,
        "usage": _usage(state, rt),
        "phase": "finish",
    }


def _finish(rt: Runtime, state: AgentState) -> AgentState:
    status = state.get("status") or "failed"
    summary = {k: v for k, v in state.items() if k != "coder_messages"}
    (rt.ws.root / "run.json").write_text(
        json.dumps({**summary, "status": status}, indent=2), encoding="utf-8"
    )
    rt.emit("finished", "", status)
    return {"status": status}


def build_graph(rt: Runtime) -> StateGraph:
    """Return the (uncompiled) graph whose nodes act on ``rt``."""
    graph = StateGraph(AgentState)
    for name, node in (
        ("planner", _planner),
        ("coder", _coder),
        ("reviewer", _reviewer),
        ("promote", _promote),
        ("learner", _learner),
        ("finish", _finish),
    ):
        graph.add_node(name, lambda state, node=node: node(rt, state))
    graph.add_edge(START, "planner")
    route: Callable[[AgentState], str] = lambda state: state["phase"]  # noqa: E731
    graph.add_conditional_edges("planner", route, ["coder", "learner"])
    graph.add_conditional_edges("coder", route, ["reviewer", "coder", "learner"])
    graph.add_conditional_edges("reviewer", route, ["promote", "coder", "learner"])
    graph.add_conditional_edges("promote", route, ["learner", "coder"])
    graph.add_edge("learner", "finish")
    graph.add_edge("finish", END)
    return graph
