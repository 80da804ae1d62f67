"""The LLM agent over real HTTP against a scripted OpenAI-compatible endpoint."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchgen.agent.llm import LLMConfig, OpenAIChatModel
from benchgen.eval.agents.llm import SUBMIT, LLMAgent
from benchgen.eval.dataset import load_dataset
from benchgen.eval.episodes import read_episodes
from benchgen.eval.runner import run_eval
from benchgen.eval.scores import AgentScore
from benchgen.eval.scripted_llm import (
    Reply,
    ScriptedEndpoint,
    completion,
    http_error,
    tool_call_reply,
)


@pytest.fixture
def endpoint() -> Iterator[ScriptedEndpoint]:
    with ScriptedEndpoint() as server:
        yield server


def _config(endpoint: ScriptedEndpoint, **overrides: Any) -> LLMConfig:
    values: dict[str, Any] = {
        "name": "scripted", "base_url": endpoint.url, "model": "scripted", "backoff_s": 0.01,
        "max_retries": 2, "timeout_s": 10, "prompt_usd_per_mtok": 1.0,
        "completion_usd_per_mtok": 2.0,
    }  # fmt: skip
    return LLMConfig(**{**values, **overrides})


def _run(dataset: Path, run: Path, config: LLMConfig, attempts: int = 3) -> AgentScore:
    scenarios = load_dataset(dataset)[:1]
    agent = LLMAgent(OpenAIChatModel(config, sleep=lambda _s: None), config)
    results = asyncio.run(
        run_eval(scenarios, [agent], run=run, dataset=str(dataset), attempts=attempts, workers=1)
    )
    return results.agents[0]


def _reference(dataset: Path) -> dict[str, Any]:
    spec = load_dataset(dataset)[0].spec()
    return {"push": spec.reference_solution.push.model_dump(), "parts": []}  # type: ignore[union-attr]


def _submit(solution: Any) -> Reply:
    return tool_call_reply(SUBMIT, solution if isinstance(solution, str) else json.dumps(solution))


def test_a_valid_answer_is_simulated_and_solves(
    endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path
) -> None:
    endpoint.replies = [_submit(_reference(push_dataset))]
    score = _run(push_dataset, tmp_path / "run", _config(endpoint))

    assert (score.success_at_1, score.episodes, score.llm_calls) == (1.0, 1, 1)
    request = endpoint.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["tool_choice"] == {"type": "function", "function": {"name": SUBMIT}}
    schema = request["tools"][0]["function"]["parameters"]
    assert "$ref" not in json.dumps(schema) and set(schema["properties"]) == {"push", "parts"}
    problem = json.loads(
        request["messages"][1]["content"].split("(problem.json):\n", 1)[1].split("\n")[0]
    )
    assert problem["id"] == load_dataset(push_dataset)[0].id and "reference_solution" not in problem
    episode = read_episodes(tmp_path / "run")[0]
    assert episode.tokens.total > 0 and episode.cost_usd > 0 and episode.messages[-1]["tool_calls"]


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        pytest.param('{"push": {"velocity": [1, 2', "the answer is not JSON", id="not-json"),
        pytest.param('{"push": {"velocity": [1, 2]}}', "field 'push.velocity'", id="two-numbers"),
        pytest.param(
            '{"push": {"speed": 3}, "parts": []}', "field 'push.velocity'", id="wrong-key"
        ),
    ],
)
def test_a_malformed_answer_is_an_invalid_action_told_back(
    endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path, answer: str, said: str
) -> None:
    endpoint.replies = [_submit(answer), _submit(_reference(push_dataset))]
    score = _run(push_dataset, tmp_path / "run", _config(endpoint))

    assert score.failures == {"INVALID_ACTION": 1} and score.success_curve == [0.0, 1.0, 1.0]
    first = read_episodes(tmp_path / "run")[0]
    assert first.solution is None and first.answer == answer and said in first.outcome.detail
    told = endpoint.requests[1]["messages"][-1]
    assert (
        told["role"] == "tool" and "INVALID_ACTION" in told["content"] and said in told["content"]
    )


def test_an_out_of_zone_placement_is_an_invalid_action_told_back(
    endpoint: ScriptedEndpoint, parts_dataset: Path, tmp_path: Path
) -> None:
    problem = load_dataset(parts_dataset)[0].problem
    far = [
        problem.build_zone.center[0] + 10,
        problem.build_zone.center[1],
        problem.build_zone.center[2],
    ]
    endpoint.replies = [
        _submit(
            {"push": None, "parts": [{"kind": "block", "position": far, "rotation_deg": [0, 0, 0]}]}
        ),
        _submit({"push": None, "parts": [{"kind": "crane", "position": far}]}),
    ]
    score = _run(parts_dataset, tmp_path / "run", _config(endpoint), attempts=2)

    assert score.failures == {"INVALID_ACTION": 2}
    told = endpoint.requests[1]["messages"][-1]["content"]
    assert "reaches outside the build zone" in told
    second = read_episodes(tmp_path / "run")[1].outcome
    assert "'crane' is not a part kind here; the catalog has: block" in second.problems


def test_the_agent_improves_with_feedback(
    endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path
) -> None:
    reference = _reference(push_dataset)
    seen: list[str] = []

    def policy(body: dict[str, Any]) -> Reply:
        last = body["messages"][-1]
        seen.append(str(last["content"]))
        if last["role"] != "tool":  # first attempt: far too slow
            slow = [v * 0.05 for v in reference["push"]["velocity"]]
            return _submit({"push": {"velocity": slow}, "parts": []})
        return _submit(reference)  # told where it ended: corrects to the real answer

    endpoint.policy = policy
    score = _run(push_dataset, tmp_path / "run", _config(endpoint))

    assert score.success_curve == [0.0, 1.0, 1.0] and score.solved == 1
    assert "failed (" in seen[1] and "ended at [" in seen[1] and "Closest approach" in seen[1]
    assert "2 attempt(s) left" in seen[1]
    history = endpoint.requests[1]["messages"]
    assert [m["role"] for m in history] == ["system", "user", "assistant", "tool"]


def test_a_429_then_success(endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path) -> None:
    endpoint.replies = [http_error(429, **{"Retry-After": "0"}), _submit(_reference(push_dataset))]
    score = _run(push_dataset, tmp_path / "run", _config(endpoint))

    assert score.success_at_1 == 1.0 and score.endpoint_errors == 0
    assert len(endpoint.requests) == 2 and score.llm_calls == 1


def test_an_endpoint_that_stays_down_is_recorded_and_the_run_goes_on(
    endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path
) -> None:
    endpoint.replies = (
        [http_error(429)] * 3 + [http_error(503)] * 3 + [_submit(_reference(push_dataset))]
    )
    score = _run(push_dataset, tmp_path / "run", _config(endpoint, max_retries=2))

    assert score.endpoint_errors == 2 and score.failures == {"ENDPOINT_ERROR": 2}
    assert score.success_curve == [0.0, 0.0, 1.0]
    first = read_episodes(tmp_path / "run")[0]
    assert (
        "failed after 3 attempt(s)" in (first.error or "")
        and first.outcome.reason == "ENDPOINT_ERROR"
    )


def test_text_instead_of_a_tool_call(
    endpoint: ScriptedEndpoint, push_dataset: Path, tmp_path: Path
) -> None:
    message = {"role": "assistant", "content": "I think " + json.dumps(_reference(push_dataset))}
    endpoint.replies = [
        (200, completion({"role": "assistant", "content": "No idea."}), {}),
        (200, completion(message), {}),
    ]
    score = _run(push_dataset, tmp_path / "run", _config(endpoint))

    assert score.success_curve == [0.0, 1.0, 1.0]
    assert "called no tool" in read_episodes(tmp_path / "run")[0].outcome.detail
    assert endpoint.requests[1]["messages"][-1]["role"] == "user"  # no tool call to answer
