"""The LLM agent: any OpenAI-compatible chat model, answering through a tool call.

One conversation per scenario: the system prompt and the problem (``prompts/*.md``), then
per attempt the model calls ``submit_solution`` (its arguments are a solution, checked
against the JSON Schema of :class:`~benchgen.spec.models.Solution`) and is told the outcome
as the tool's result. When the model has vision and the scenario has renders, it may call
``view_renders`` first and gets the contact sheet as an image. When ``submit_solution`` is
the only tool, the call is forced (``tool_choice``), which servers such as llama.cpp turn
into a grammar: the answer is then JSON of the right shape, if not of the right numbers.

Every failure of the model is a scored attempt, never a crash: no tool call, arguments
that are not JSON or not a solution (``INVALID_ACTION`` with the reasons, given back), an
endpoint down or rate-limiting past its retries (``ENDPOINT_ERROR``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from benchgen.errors import AgentError
from benchgen.eval.agents.base import AttemptContext
from benchgen.eval.dataset import problem_text
from benchgen.eval.feedback import feedback_text, render
from benchgen.eval.models import Proposal, Tokens
from benchgen.spec.models import Solution
from benchgen.spec.problem import Problem, solution_json_schema

if TYPE_CHECKING:
    from benchgen.agent.llm import ChatModel, LLMConfig, ModelReply

__all__ = ["SUBMIT", "VIEW_RENDERS", "LLMAgent", "parse_solution", "tool_schemas"]

SUBMIT = "submit_solution"
VIEW_RENDERS = "view_renders"
#: Calls one attempt may take (viewing renders, then answering) before it counts as no answer.
MAX_CALLS_PER_ATTEMPT = 3


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Return a JSON Schema with every ``$ref`` to ``$defs`` replaced by its definition."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _fitted(parameters: dict[str, Any], problem: Problem) -> dict[str, Any]:
    """Narrow the solution schema to what this problem allows (kinds, counts, no push).

    A server that turns the schema into a grammar (llama.cpp) then cannot emit a part kind
    the catalog lacks, more parts than allowed, or a push where none is allowed. Speeds
    and zones are not expressible per number: the harness checks them.
    """
    space = problem.action_space
    properties = parameters["properties"]
    if space.push is None:
        properties["push"] = {"type": "null"}
    parts = properties["parts"]
    catalog = space.parts.catalog if space.parts else []
    parts["maxItems"] = sum(k.max_count for k in catalog)
    if catalog:
        parts["items"]["properties"]["kind"] = {"enum": [k.kind for k in catalog]}
    parameters["required"] = ["push", "parts"]
    return parameters


def tool_schemas(problem: Problem, *, renders: bool) -> list[dict[str, Any]]:
    """Return the tools offered: ``submit_solution`` (and ``view_renders`` when ``renders``)."""
    schema = solution_json_schema()
    parameters = _inline(schema, schema.get("$defs", {}))
    parameters.pop("$schema", None)
    parameters = _fitted(parameters, problem)
    tools = [
        {
            "type": "function",
            "function": {
                "name": SUBMIT,
                "description": "Submit one solution for this attempt: a push and placed parts.",
                "parameters": parameters,
            },
        }
    ]
    if renders:
        tools.append(
            {
                "type": "function",
                "function": {
                    "name": VIEW_RENDERS,
                    "description": "Look at rendered views of the scene (a contact sheet).",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        )
    return tools


def _json_object(text: str) -> str | None:
    """Return the outermost ``{...}`` of a text answer, if it has one."""
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else None


def parse_solution(arguments: str) -> tuple[Solution | None, list[str]]:
    """Return the solution in a tool call's JSON arguments, or None and why not."""
    try:
        data = json.loads(arguments)
    except json.JSONDecodeError as exc:
        return None, [
            f"the answer is not JSON ({exc.msg} at character {exc.pos}): {arguments[:200]!r}"
        ]
    if isinstance(data, dict) and isinstance(data.get("solution"), dict):
        data = data["solution"]  # a model wrapping its answer once is still understood
    try:
        return Solution.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error["loc"]) or "(top level)"
            problems.append(f"field '{where}': {error['msg']}")
        return None, problems


def _image_message(context: AttemptContext) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"type": "text", "text": "The rendered views of the scene:"}]
    for path in context.scenario.renders:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        parts.append({"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}})
    return {"role": "user", "content": parts}


def _opening(context: AttemptContext, *, renders: bool, text_only: bool) -> list[dict[str, Any]]:
    problem = context.scenario.problem
    hint = f"You may call `{VIEW_RENDERS}` to see the scene." if renders else ""
    user = render(
        "problem_text" if text_only else "problem",
        task=problem.task,
        problem=problem_text(problem),
        attempt=context.attempt,
        attempts=context.attempts,
        renders_hint=hint,
    )
    return [{"role": "system", "content": render("system")}, {"role": "user", "content": user}]


def _answers(sent: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Return the messages that tell the model ``text`` after the conversation ``sent``.

    A tool call still unanswered at its end gets ``text`` as its result (each further call of
    that turn is answered too, as the API requires); otherwise ``text`` is a user message.
    """
    last = sent[-1] if sent else {}
    calls = (last.get("tool_calls") or []) if last.get("role") == "assistant" else []
    if not calls:
        return [{"role": "user", "content": text}]
    replies = [{"role": "tool", "tool_call_id": calls[0]["id"], "content": text}]
    replies += [
        {"role": "tool", "tool_call_id": c["id"], "content": "ignored: one solution per attempt"}
        for c in calls[1:]
    ]
    return replies


class LLMAgent:
    """An LLM from an OpenAI-compatible endpoint (see the module docstring)."""

    def __init__(
        self,
        model: ChatModel,
        config: LLMConfig,
        *,
        limit: asyncio.Semaphore | None = None,
        label: str | None = None,
    ) -> None:
        self.model, self.config = model, config
        self._label = label or f"llm:{config.name}"
        self._limit = limit or asyncio.Semaphore(4)

    @property
    def label(self) -> str:
        return self._label

    def _cost(self, tokens: Tokens) -> float:
        prompt = self.config.prompt_usd_per_mtok or 0.0
        completion = self.config.completion_usd_per_mtok or 0.0
        return (tokens.prompt * prompt + tokens.completion * completion) / 1e6

    async def _complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> ModelReply:
        choice: dict[str, Any] | None = None
        if len(tools) == 1:
            choice = {"type": "function", "function": {"name": SUBMIT}}
        async with self._limit:
            return await asyncio.to_thread(
                self.model.complete, messages, tools=tools, tool_choice=choice
            )

    def _new_messages(
        self, context: AttemptContext, sent: list[dict[str, Any]], renders: bool
    ) -> list[dict[str, Any]]:
        if not sent:
            text_only = self.config.problem_format == "text"
            return _opening(context, renders=renders, text_only=text_only)
        previous = context.history[-1]
        text = feedback_text(
            previous.outcome,
            context.scenario.problem,
            attempt=previous.attempt,
            attempts=context.attempts,
        )
        return _answers(sent, text)

    async def propose(self, context: AttemptContext) -> Proposal:
        started = time.perf_counter()
        renders = self.model.vision and bool(context.scenario.renders)
        tools = tool_schemas(context.scenario.problem, renders=renders)
        sent = [m for episode in context.history for m in episode.messages]
        new = self._new_messages(context, sent, renders)
        tokens = Tokens()
        solution, problems, answer = None, ["the model gave no answer"], ""
        for _ in range(MAX_CALLS_PER_ATTEMPT):
            try:
                reply = await self._complete(sent + new, tools)
            except AgentError as exc:
                return self._proposal(
                    started, new, tokens, answer=answer, error=str(exc), problems=[str(exc)]
                )
            usage = reply.usage
            tokens = tokens.add(
                Tokens(
                    prompt=usage.prompt_tokens,
                    completion=usage.completion_tokens,
                    total=usage.total_tokens,
                    calls=usage.calls,
                )
            )
            new.append(reply.as_message())
            call = reply.tool_calls[0] if reply.tool_calls else None
            if call is not None and call.name == VIEW_RENDERS and renders:
                new.append({"role": "tool", "tool_call_id": call.id, "content": "sent below"})
                new.append(_image_message(context))
                continue
            if call is not None and call.name == SUBMIT:
                answer = call.arguments
                solution, problems = parse_solution(call.arguments)
            elif call is not None:
                answer = call.arguments
                problems = [f"{call.name!r} is not a tool here; call {SUBMIT!r}"]
            elif reply.content and (found := _json_object(reply.content)) is not None:
                answer = reply.content
                solution, problems = parse_solution(found)
            else:
                answer = reply.content or ""
                problems = [f"the answer called no tool: call {SUBMIT!r} with a solution"]
            break
        return self._proposal(
            started, new, tokens, answer=answer, solution=solution, problems=problems
        )

    def _proposal(
        self,
        started: float,
        new: list[dict[str, Any]],
        tokens: Tokens,
        *,
        answer: str,
        solution: Solution | None = None,
        problems: list[str] | None = None,
        error: str | None = None,
    ) -> Proposal:
        return Proposal(
            solution=solution,
            problems=[] if solution is not None else list(problems or []),
            error=error,
            answer=answer,
            messages=new,
            tokens=tokens,
            cost_usd=round(self._cost(tokens), 8),
            agent_seconds=round(time.perf_counter() - started, 4),
        )
