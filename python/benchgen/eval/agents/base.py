"""What an agent is to the harness: something that proposes a solution for an attempt.

An agent sees the problem (problem.json), the attempt number, K, and every earlier attempt
of this scenario with its outcome. It keeps no state between calls: whatever it learned
comes back in ``history``. That is what makes a run resumable: re-running an interrupted
run hands each agent the episodes already on disk and it carries on exactly where it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from benchgen.eval.dataset import EvalScenario
from benchgen.eval.models import Episode, Proposal

__all__ = ["Agent", "AttemptContext", "attempt_rng"]


@dataclass(frozen=True)
class AttemptContext:
    """One attempt to solve one scenario."""

    scenario: EvalScenario
    attempt: int
    attempts: int
    seed: int
    history: tuple[Episode, ...] = field(default=())


class Agent(Protocol):
    """Proposes a solution for each attempt (see the module docstring)."""

    @property
    def label(self) -> str: ...

    async def propose(self, context: AttemptContext) -> Proposal: ...


def attempt_rng(context: AttemptContext, agent: str) -> np.random.Generator:
    """Return the random numbers of one attempt: the same for the same run, agent and attempt."""
    key = f"{context.seed}/{agent}/{context.scenario.id}/{context.attempt}".encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "little"))
