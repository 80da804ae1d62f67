"""POST /api/solve and GET /api/agents over real HTTP, with the scripted LLM endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from benchgen.eval.scripted_llm import ScriptedEndpoint, feedback_policy, http_error
from benchgen.server import create_app

from .conftest import LiveServer, make_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    project = make_project(tmp_path_factory.mktemp("solve"))
    out = project / "scenarios"
    family = get_family("push_to_goal")
    for seed in range(100, 120):
        outcome = build_scenario(family, seed, out_root=out, godot=False)
        if outcome.status == "promoted":
            break
    with LiveServer(create_app(out, project_dir=project)) as server:
        yield server, outcome.scenario_id


@pytest.fixture
def llm_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedEndpoint]:
    with ScriptedEndpoint(policy=feedback_policy) as endpoint:
        path = tmp_path / "llm_configs.yaml"
        path.write_text(
            f"configs:\n  scripted: {{base_url: '{endpoint.url}', model: s, max_retries: 1,"
            " backoff_s: 0}\n  other: {base_url: 'http://127.0.0.1:9/v1', model: o}\n"
        )
        monkeypatch.setenv("BENCHGEN_LLM_CONFIG", str(path))
        yield endpoint


def test_agents_lists_baselines_and_llm_configs(
    served: tuple[LiveServer, str], llm_config: ScriptedEndpoint
) -> None:
    with served[0].client() as client:
        body = client.get("/api/agents").json()
    assert body["baselines"] == ["null", "random", "oracle"]
    assert body["llms"] == ["other", "scripted"] and "search" in body["solvers"]


def test_the_llm_solves_through_the_backend_with_feedback(
    served: tuple[LiveServer, str], llm_config: ScriptedEndpoint
) -> None:
    server, scenario_id = served
    history: list[dict] = []
    with server.client() as client:
        for attempt in (1, 2):
            body = {"scenario_id": scenario_id, "agent": "llm", "config": "scripted",
                    "attempts": 3, "history": history}  # fmt: skip
            reply = client.post("/api/solve", json=body)
            assert reply.status_code == 200, reply.text
            answer = reply.json()
            assert answer["agent"] == "llm:scripted" and answer["attempt"] == attempt
            proposal, mujoco, godot = answer["proposal"], answer["mujoco"], answer["godot"]
            assert proposal["tokens"]["calls"] == 1 and proposal["messages"]
            velocity = proposal["solution"]["push"]["velocity"]
            # Godot is Y-up: (x, y, z) in MuJoCo is (x, z, -y) there.
            assert np.allclose(godot["push_velocity"], [velocity[0], velocity[2], -velocity[1]])
            assert godot["pieces"] == [] and "success" in mujoco
            history.append({**proposal, "outcome": mujoco})
    told = llm_config.requests[-1]["messages"][-1]
    assert (
        told["role"] == "tool"
        and f"Attempt 1 of 3: {'SUCCESS' if history[0]['outcome']['success'] else 'failed'}"
        in told["content"]
    )


def test_the_oracle_through_the_backend_matches_the_reference(
    served: tuple[LiveServer, str],
) -> None:
    server, scenario_id = served
    with server.client() as client:
        reply = client.post("/api/solve", json={"scenario_id": scenario_id, "agent": "oracle"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["mujoco"]["success"] is True


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        pytest.param(
            {"scenario_id": "push_to_goal-000001-abcdef"}, 404, "no promoted scenario", id="missing"
        ),
        pytest.param({"scenario_id": "../etc"}, 422, "scenario_id", id="bad-id"),
        pytest.param({"agent": "wizard"}, 422, "agent", id="bad-agent"),
        pytest.param({"config": "nope"}, 422, "'nope' is not an LLM configuration", id="config"),
        pytest.param(
            {"history": [{"outcome": {"success": "maybe"}}]}, 422, "history entry", id="history"
        ),
    ],
)
def test_bad_requests_are_4xx_saying_why(
    served: tuple[LiveServer, str], llm_config: ScriptedEndpoint, body: dict, status: int, said: str
) -> None:
    server, scenario_id = served
    with server.client() as client:
        reply = client.post("/api/solve", json={"scenario_id": scenario_id, **body})
    assert reply.status_code == status and said in reply.text, reply.text


def test_an_endpoint_down_is_an_answer_not_an_error(
    served: tuple[LiveServer, str], llm_config: ScriptedEndpoint
) -> None:
    server, scenario_id = served
    llm_config.replies = [http_error(503)] * 2
    with server.client() as client:
        reply = client.post("/api/solve", json={"scenario_id": scenario_id, "config": "scripted"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["mujoco"]["reason"] == "ENDPOINT_ERROR" and reply.json()["godot"] is None
    assert json.dumps(reply.json()).count("503") >= 1
