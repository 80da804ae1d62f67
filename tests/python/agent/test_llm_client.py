"""The OpenAI-compatible client over the wire, against a local /v1/chat/completions server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from benchgen.agent.graph import AgentSettings
from benchgen.agent.llm import LLMConfig, ModelReply, OpenAIChatModel, load_llm_config
from benchgen.agent.runner import run_agent
from benchgen.agent.scripted import call, calls, say
from benchgen.errors import AgentError

Reply = tuple[int, dict[str, Any], dict[str, str]]


def completion(reply: ModelReply) -> dict[str, Any]:
    """Return the chat.completion body an OpenAI-compatible server sends for ``reply``."""
    message = reply.as_message()
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }  # fmt: skip


def ok(reply: ModelReply) -> Reply:
    return 200, completion(reply), {}


def error(status: int, **headers: str) -> Reply:
    return status, {"error": {"message": f"status {status}", "type": "server_error"}}, headers


class FakeEndpoint:
    """A tiny OpenAI-compatible server: answers queued replies in order, records requests."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.requests.append({"path": self.path, **body})
                endpoint.auth.append(self.headers.get("Authorization", ""))
                status, payload, headers = (
                    endpoint.replies.pop(0) if endpoint.replies else error(500)
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    server = FakeEndpoint()
    yield server
    server.close()


def _model(
    endpoint: FakeEndpoint, sleeps: list[float] | None = None, **overrides: Any
) -> OpenAIChatModel:
    config = LLMConfig(
        base_url=endpoint.url,
        api_key="sk-test",
        model="test-model",
        backoff_s=0.01,
        max_retries=3,
        timeout_s=10,
        **overrides,
    )
    return OpenAIChatModel(
        config, sleep=(sleeps.append if sleeps is not None else (lambda _: None))
    )


def test_tool_call_reply_and_usage(endpoint: FakeEndpoint) -> None:
    endpoint.replies = [ok(call("write", path="plan.md", content="# Plan"))]
    model = _model(endpoint)
    tools = [{"type": "function", "function": {"name": "write", "parameters": {"type": "object"}}}]
    reply = model.complete([{"role": "user", "content": "hi"}], tools=tools)

    assert [(c.name, json.loads(c.arguments)) for c in reply.tool_calls] == [
        ("write", {"path": "plan.md", "content": "# Plan"})
    ]
    assert reply.usage.total_tokens == 18 and model.usage.calls == 1
    sent = endpoint.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "test-model"
    assert sent["tools"] == tools and endpoint.auth == ["Bearer sk-test"]


def test_retries_500_and_429_with_backoff(endpoint: FakeEndpoint) -> None:
    endpoint.replies = [error(500), error(429, **{"Retry-After": "0.05"}), ok(say("done"))]
    sleeps: list[float] = []
    reply = _model(endpoint, sleeps).complete([{"role": "user", "content": "hi"}])

    assert reply.content == "done" and reply.attempts == 3
    assert len(endpoint.requests) == 3
    assert 0.01 <= sleeps[0] < 0.02 and sleeps[1] >= 0.05  # doubled, and Retry-After honoured


def test_gives_up_after_max_retries(endpoint: FakeEndpoint) -> None:
    endpoint.replies = [error(503)] * 4
    with pytest.raises(AgentError, match="failed after 4 attempt"):
        _model(endpoint).complete([{"role": "user", "content": "hi"}])
    assert len(endpoint.requests) == 4


def test_client_errors_are_not_retried(endpoint: FakeEndpoint) -> None:
    endpoint.replies = [error(400)]
    with pytest.raises(AgentError, match="after 1 attempt"):
        _model(endpoint).complete([{"role": "user", "content": "hi"}])


def test_connection_errors_are_retried() -> None:
    config = LLMConfig(
        base_url="http://127.0.0.1:9/v1", model="m", max_retries=2, backoff_s=0.0, timeout_s=2
    )
    sleeps: list[float] = []
    with pytest.raises(AgentError, match="failed after 3 attempt"):
        OpenAIChatModel(config, sleep=sleeps.append).complete([{"role": "user", "content": "hi"}])
    assert len(sleeps) == 2


def test_a_run_over_the_wire(endpoint: FakeEndpoint, tmp_path: Path) -> None:
    review = "---\ndecision: rejected\ncomments: [not a real family]\n---\n"
    endpoint.replies = [
        error(500),
        ok(
            calls(
                call("write", path="plan.md", content="# Plan"),
                call("write", path="todo.md", content="- [ ] code"),
            )
        ),
        ok(say("Planned.")),
        ok(call("write", path="script.py", content="FAMILY = None\n")),
        error(429),
        ok(call("submit_for_review")),
        ok(call("write_review", review=review)),
        ok(say("NONE")),
    ]
    settings = AgentSettings(max_iterations=1, renders=False, godot=False, learn=True)
    result = run_agent(
        "a ball in a cup",
        tmp_path / "out",
        model=_model(endpoint),
        run_id="wire",
        settings=settings,
        skill_dirs=[],
        learned_dir=tmp_path / "learned",
    )

    assert result.status == "failed" and result.reasons == ["REVIEW_REJECTED"]
    assert not endpoint.replies and len(endpoint.requests) == 8
    coder_call = endpoint.requests[5]  # after the 429, the retried request carries the tool result
    assert coder_call["messages"][-1]["role"] == "tool"
    assert "wrote script.py" in coder_call["messages"][-1]["content"]
    assert {t["function"]["name"] for t in coder_call["tools"]} >= {
        "execute",
        "validate",
        "simulate",
        "submit_for_review",
    }
    assert result.usage.calls == 6 and result.usage.total_tokens == 6 * 18


def test_config_from_env_and_file(tmp_path: Path) -> None:
    env = {
        "BENCHGEN_LLM_BASE_URL": "http://h/v1",
        "BENCHGEN_LLM_MODEL": "m1",
        "BENCHGEN_LLM_API_KEY": "k",
        "BENCHGEN_LLM_VISION": "1",
    }
    config = load_llm_config(env=env, path=tmp_path / "none.yaml")
    assert (config.base_url, config.model, config.api_key, config.vision) == (
        "http://h/v1",
        "m1",
        "k",
        True,
    )

    path = tmp_path / "llm_configs.yaml"
    path.write_text(
        "default: local\nconfigs:\n  local: {base_url: 'http://l/v1', model: qwen}\n"
        "  openai: {base_url: 'https://api.openai.com/v1', model: gpt-4o,\n"
        "           api_key_env: OPENAI_API_KEY, vision: true}\n"
    )
    assert load_llm_config(env={}, path=path).model == "qwen"
    assert load_llm_config("openai", env={"OPENAI_API_KEY": "sk"}, path=path).api_key == "sk"
    with pytest.raises(AgentError, match="reads its API key from \\$OPENAI_API_KEY"):
        load_llm_config("openai", env={}, path=path)
    with pytest.raises(
        AgentError, match=r"'gemini' is not an LLM configuration .* available: local, openai"
    ):
        load_llm_config("gemini", env={}, path=path)


def test_no_llm_configured_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(AgentError, match="no LLM is configured: set BENCHGEN_LLM_BASE_URL"):
        load_llm_config(env={}, path=None)
    with pytest.raises(AgentError, match="set BENCHGEN_LLM_BASE_URL as well"):
        load_llm_config(env={"BENCHGEN_LLM_MODEL": "m"}, path=None)
