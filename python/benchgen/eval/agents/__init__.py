"""The agents ``benchgen eval`` runs: baselines, and LLMs from llm_configs.yaml."""

from __future__ import annotations

import asyncio

from benchgen.errors import EvalError
from benchgen.eval.agents.base import Agent, AttemptContext, attempt_rng
from benchgen.eval.agents.baselines import NullAgent, OracleAgent, RandomAgent, SearchAgent

__all__ = [
    "AGENTS",
    "Agent",
    "AttemptContext",
    "NullAgent",
    "OracleAgent",
    "RandomAgent",
    "SearchAgent",
    "attempt_rng",
    "make_agents",
]

#: Every agent name ``--agent`` accepts; ``llm`` takes its endpoints from ``--config``.
AGENTS = ("null", "random", "search", "oracle", "llm")
_BASELINES: dict[str, type[NullAgent | RandomAgent | SearchAgent | OracleAgent]] = {
    "null": NullAgent,
    "random": RandomAgent,
    "search": SearchAgent,
    "oracle": OracleAgent,
}


def make_agents(
    names: list[str], *, configs: list[str] | None = None, concurrency: int = 4
) -> list[Agent]:
    """Return the agents ``names`` (``llm`` once per LLM configuration in ``configs``).

    Raises:
        EvalError: an unknown agent name.
        AgentError: an LLM configuration is missing or invalid.
        MissingExtraError: ``llm`` without the agent extra installed.
    """
    agents: list[Agent] = []
    for name in dict.fromkeys(names):
        if name in _BASELINES:
            agents.append(_BASELINES[name]())
        elif name == "llm":
            wanted: list[str | None] = list(configs) if configs else [None]
            agents.extend(_llm_agents(wanted, concurrency))
        else:
            raise EvalError(f"{name!r} is not an agent; use one of {', '.join(AGENTS)}")
    return agents


def _llm_agents(configs: list[str | None], concurrency: int) -> list[Agent]:
    from benchgen.agent.llm import OpenAIChatModel, load_llm_config
    from benchgen.eval.agents.llm import LLMAgent

    limit = asyncio.Semaphore(concurrency)
    agents: list[Agent] = []
    for name in dict.fromkeys(configs):
        config = load_llm_config(name)
        agents.append(LLMAgent(OpenAIChatModel(config), config, limit=limit))
    return agents
