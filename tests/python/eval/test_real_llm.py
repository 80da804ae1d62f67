"""A real small LLM (SmolLM2-135M behind llama.cpp's server): every answer is scored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchgen.agent.llm import LLMConfig, OpenAIChatModel
from benchgen.eval.agents.llm import LLMAgent
from benchgen.eval.dataset import load_dataset
from benchgen.eval.episodes import read_episodes
from benchgen.eval.local_llm import serve_local_llm
from benchgen.eval.runner import run_eval
from benchgen.spec.models import FailureReason

pytestmark = pytest.mark.slow
SCORED = {r.value for r in FailureReason} | {"INVALID_ACTION", "ENDPOINT_ERROR"}


def test_the_real_model_is_scored_never_a_crash(push_dataset: Path, tmp_path: Path) -> None:
    scenarios = load_dataset(push_dataset)[:1]
    with serve_local_llm(log=tmp_path / "llama.log") as served:
        assert isinstance(served, LLMConfig)
        agent = LLMAgent(OpenAIChatModel(served), served)
        results = asyncio.run(
            run_eval(scenarios, [agent], run=tmp_path / "run", dataset=str(push_dataset),
                     attempts=2, workers=1, concurrency=1)
        )  # fmt: skip
    score = results.agents[0]
    episodes = read_episodes(tmp_path / "run")
    assert score.tasks == 1 and 1 <= len(episodes) <= 2
    for episode in episodes:
        assert episode.outcome.success or episode.outcome.reason in SCORED
        assert episode.tokens.calls >= 1 and episode.tokens.total > 0  # real usage reported
        assert episode.messages[-1]["role"] == "assistant"
    tools = [m.get("tool_calls") for m in episodes[0].messages if m["role"] == "assistant"]
    assert tools[0] and tools[0][0]["function"]["name"] == "submit_solution"  # a real tool call
