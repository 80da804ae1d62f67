"""The records of an evaluation run: what an agent proposed, what happened, what it cost.

One :class:`Episode` is one attempt of one agent at one scenario: the solution it proposed
(or why it proposed none), the messages exchanged for it, the MuJoCo outcome under the
scenario's success rule, the tokens and the seconds. A run's ``episodes.jsonl`` holds one
per line, appended as each attempt finishes, so nothing finished is lost and a re-run
resumes where it stopped (:mod:`benchgen.eval.episodes`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchgen.spec.models import Solution

__all__ = [
    "ENDPOINT_ERROR",
    "INVALID_ACTION",
    "Episode",
    "Outcome",
    "Proposal",
    "RunSettings",
    "Tokens",
]

#: The solution broke the action space, or was not a solution at all (malformed JSON, no
#: answer): a scored failure, with the reasons given back to the agent.
INVALID_ACTION = "INVALID_ACTION"
#: The agent's endpoint was down or kept refusing (after its retries): a scored failure.
ENDPOINT_ERROR = "ENDPOINT_ERROR"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tokens(_Model):
    """Tokens an agent spent on one attempt, as its endpoint reported them."""

    prompt: int = 0
    completion: int = 0
    total: int = 0
    calls: int = 0

    def add(self, other: Tokens) -> Tokens:
        """Return the sum of two counts."""
        return Tokens(
            prompt=self.prompt + other.prompt,
            completion=self.completion + other.completion,
            total=self.total + other.total,
            calls=self.calls + other.calls,
        )


class Proposal(_Model):
    """What an agent returns for one attempt.

    ``solution`` is None when the agent gave no usable answer; ``problems`` then says why
    (malformed JSON, a missing field), and the attempt is an ``INVALID_ACTION`` failure.
    ``error`` is set instead when the agent could not answer at all (an endpoint down).
    """

    solution: Solution | None = None
    problems: list[str] = Field(default_factory=list)
    error: str | None = None
    answer: str = Field(default="", description="The raw answer text or tool arguments.")
    messages: list[dict[str, Any]] = Field(
        default_factory=list, description="Chat messages this attempt added (LLM agents)."
    )
    tokens: Tokens = Field(default_factory=Tokens)
    cost_usd: float = 0.0
    agent_seconds: float = 0.0


class Outcome(_Model):
    """What the harness found for one proposal: the feedback an agent gets back."""

    success: bool
    reason: str | None = Field(
        default=None, description="A FailureReason, INVALID_ACTION or ENDPOINT_ERROR."
    )
    detail: str = ""
    problems: list[str] = Field(
        default_factory=list, description="Every way the solution broke the action space."
    )
    closest_distance: float | None = Field(
        default=None, description="Closest approach of the centre to the goal zone (m)."
    )
    final_position: list[float] | None = None
    entered_s: float | None = None
    won_s: float | None = None
    sim_time_s: float = 0.0


class Episode(_Model):
    """One attempt of one agent at one scenario (a line of episodes.jsonl)."""

    agent: str = Field(description="The agent's label: 'search', 'llm:<config>', ...")
    scenario: str
    family: str
    tier: str = Field(description="The scenario's difficulty tier, or 'unknown'.")
    attempt: int = Field(ge=1)
    attempts: int = Field(ge=1, description="K: attempts allowed per scenario.")
    solution: Solution | None = None
    answer: str = ""
    messages: list[dict[str, Any]] = Field(default_factory=list)
    outcome: Outcome
    error: str | None = None
    tokens: Tokens = Field(default_factory=Tokens)
    cost_usd: float = 0.0
    agent_seconds: float = 0.0
    sim_seconds: float = 0.0
    finished_at: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        return self.agent, self.scenario, self.attempt


class RunSettings(_Model):
    """What a run was started with (run.json); a resume must ask for the same."""

    version: Literal[1] = 1
    dataset: str
    attempts: int = Field(ge=1)
    seed: int = Field(ge=0)
    scenarios: list[str]
    agents: list[str]
