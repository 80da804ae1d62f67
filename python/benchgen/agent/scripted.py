"""A scripted chat model: pre-written assistant turns, returned in order.

It speaks the same protocol as :class:`~benchgen.agent.llm.OpenAIChatModel` (OpenAI chat
messages in, a :class:`~benchgen.agent.llm.ModelReply` out), so tests and offline demos
drive the whole graph without an endpoint::

    model = ScriptedModel([
        call("write", path="plan.md", content="# Plan"),
        say("Plan written."),
    ])
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from benchgen.agent.llm import ModelReply, ToolCall, Usage
from benchgen.errors import AgentError

__all__ = ["ScriptedModel", "call", "calls", "raw_call", "say"]

Turn = ModelReply | Callable[[list[dict[str, Any]]], ModelReply]


def say(text: str) -> ModelReply:
    """Return an assistant turn with text only."""
    return ModelReply(
        content=text, usage=Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15, calls=1)
    )


def raw_call(name: str, arguments: str, *, text: str | None = None) -> ModelReply:
    """Return a turn calling one tool with ``arguments`` as given (possibly malformed)."""
    tool_call = ToolCall(id=f"call_{uuid.uuid4().hex[:10]}", name=name, arguments=arguments)
    usage = Usage(prompt_tokens=20, completion_tokens=10, total_tokens=30, calls=1)
    return ModelReply(content=text, tool_calls=[tool_call], usage=usage)


def call(name: str, *, text: str | None = None, **arguments: Any) -> ModelReply:
    """Return a turn calling one tool with JSON ``arguments``."""
    return raw_call(name, json.dumps(arguments), text=text)


def calls(*turns: ModelReply, text: str | None = None) -> ModelReply:
    """Merge single-call turns into one turn with several parallel tool calls."""
    merged = [c for t in turns for c in t.tool_calls]
    return ModelReply(content=text, tool_calls=merged, usage=Usage(calls=1, total_tokens=40))


class ScriptedModel:
    """Return pre-written turns in order and remember every request it received."""

    def __init__(
        self, turns: Iterable[Turn], *, vision: bool = False, name: str = "scripted"
    ) -> None:
        self._turns = list(turns)
        self._vision = vision
        self._name = name
        self.requests: list[list[dict[str, Any]]] = []
        self.tools_seen: list[list[str]] = []
        self.usage = Usage()

    @property
    def vision(self) -> bool:
        return self._vision

    @property
    def name(self) -> str:
        return self._name

    @property
    def remaining(self) -> int:
        """Turns not yet returned."""
        return len(self._turns)

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
    ) -> ModelReply:
        """Return the next scripted turn.

        Raises:
            AgentError: the script has no turn left.
        """
        self.requests.append(json.loads(json.dumps(messages)))
        self.tools_seen.append([t["function"]["name"] for t in tools or []])
        if not self._turns:
            raise AgentError(
                f"the scripted model ran out of turns after {len(self.requests) - 1} replies"
            )
        turn = self._turns.pop(0)
        reply = turn(messages) if callable(turn) else turn
        self.usage = self.usage.add(reply.usage)
        return reply
