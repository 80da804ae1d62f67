"""The run trace: JSONL events with timings, mirrored to Langfuse when configured."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from benchgen.agent.trace import Tracer


def test_events_are_jsonl_with_durations(tmp_path: Path) -> None:
    tracer = Tracer(tmp_path / "trace.jsonl", run_id="r1", env={})
    with tracer.timed("tool_call", role="coder", tool="validate") as record:
        record["output"] = "ok"
    tracer.event("model_call", role="coder", input={"url": "data:image/png;base64,AAAA"})
    lines = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert [e["kind"] for e in lines] == ["tool_call", "model_call"]
    assert lines[0]["duration_s"] >= 0 and lines[0]["output"] == "ok" and lines[0]["run_id"] == "r1"
    assert lines[1]["input"]["url"].startswith("<image ")  # no image bytes in the trace
    assert not tracer.langfuse_enabled


def test_langfuse_receives_events_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    class Trace:
        def generation(self, **kw: Any) -> None:
            sent.append(("generation", kw))

        def span(self, **kw: Any) -> None:
            sent.append(("span", kw))

    class Langfuse:
        def trace(self, **kw: Any) -> Trace:
            sent.append(("trace", kw))
            return Trace()

        def flush(self) -> None:
            sent.append(("flush", {}))

    monkeypatch.setitem(sys.modules, "langfuse", types.SimpleNamespace(Langfuse=Langfuse))
    env = {"LANGFUSE_PUBLIC_KEY": "pk", "LANGFUSE_SECRET_KEY": "sk"}
    tracer = Tracer(tmp_path / "trace.jsonl", run_id="r2", env=env)
    tracer.event("model_call", role="planner", usage={"prompt_tokens": 3, "completion_tokens": 2})
    tracer.event("tool_call", role="coder", tool="write")
    tracer.close()
    assert [kind for kind, _ in sent] == ["trace", "generation", "span", "flush"]
    assert sent[1][1]["usage"] == {"input": 3, "output": 2}
    assert sent[2][1]["name"] == "coder:write"


def test_langfuse_missing_package_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "langfuse", None)  # import langfuse -> ImportError
    tracer = Tracer(
        tmp_path / "t.jsonl",
        run_id="r",
        env={"LANGFUSE_PUBLIC_KEY": "p", "LANGFUSE_SECRET_KEY": "s"},
    )
    assert not tracer.langfuse_enabled
