"""The trace of one agent run: every model call and tool call, with timings, as JSONL.

Each line of ``trace.jsonl`` in the workspace is one event. When ``LANGFUSE_PUBLIC_KEY``
and ``LANGFUSE_SECRET_KEY`` are set and the ``langfuse`` package is importable, the same
events go to Langfuse (one trace per run, a generation per model call, a span per tool
call). Langfuse is optional: a failure to reach it is noted once and never stops a run.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Tracer"]

_MAX_TEXT = 20_000


def _scrub(value: Any) -> Any:
    """Replace inline images by a placeholder and cut very long strings."""
    if isinstance(value, str):
        if value.startswith("data:image/"):
            return f"<image {len(value)} chars>"
        return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + f"... <{len(value)} chars>"
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


class _Langfuse:
    """A thin adapter over the Langfuse SDK (v2 ``trace()`` or v3 ``start_span()``)."""

    def __init__(self, run_id: str, name: str) -> None:
        import langfuse

        self._client = langfuse.Langfuse()
        if hasattr(self._client, "trace"):  # SDK v2
            self._root = self._client.trace(id=None, name=name, session_id=run_id)
        else:  # SDK v3 (OpenTelemetry based)
            self._root = self._client.start_span(name=name, metadata={"run_id": run_id})

    def event(self, record: Mapping[str, Any]) -> None:
        kind = record["kind"]
        body = {k: v for k, v in record.items() if k not in {"kind", "ts"}}
        name = f"{record.get('role', '')}:{record.get('tool', kind)}"
        if kind == "model_call":
            usage = record.get("usage") or {}
            self._emit("generation", name, body, usage)
        else:
            self._emit("span", name, body, None)

    def _emit(
        self, kind: str, name: str, body: dict[str, Any], usage: dict[str, Any] | None
    ) -> None:
        extra: dict[str, Any] = {
            "input": body.get("input"),
            "output": body.get("output"),
            "metadata": {k: v for k, v in body.items() if k not in {"input", "output"}},
        }
        if usage is not None:
            extra["usage"] = {
                "input": usage.get("prompt_tokens", 0),
                "output": usage.get("completion_tokens", 0),
            }
        if hasattr(self._root, kind):  # v2: trace.generation(...) / trace.span(...)
            getattr(self._root, kind)(name=name, **extra)
            return
        starter = getattr(self._root, f"start_{kind}")  # v3: span.start_generation(...).end()
        extra.pop("usage", None)
        starter(name=name, **extra).end()

    def close(self) -> None:
        if hasattr(self._root, "end"):
            self._root.end()
        self._client.flush()


class Tracer:
    """Append trace events to ``path`` (and to Langfuse when configured)."""

    def __init__(self, path: Path, *, run_id: str, env: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.run_id = run_id
        self._langfuse = _start_langfuse(run_id, os.environ if env is None else env)

    @property
    def langfuse_enabled(self) -> bool:
        """Whether events also go to Langfuse."""
        return self._langfuse is not None

    def event(self, kind: str, **fields: Any) -> None:
        """Append one event line."""
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "kind": kind,
            "run_id": self.run_id,
            **_scrub(fields),
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, default=str) + "\n")
        if self._langfuse is not None:
            try:
                self._langfuse.event(record)
            except Exception as exc:
                warnings.warn(f"langfuse: dropping events after an error: {exc}", stacklevel=2)
                self._langfuse = None

    @contextmanager
    def timed(self, kind: str, **fields: Any) -> Iterator[dict[str, Any]]:
        """Time a block and record it; the block may add fields to the yielded dict."""
        extra: dict[str, Any] = {}
        start = time.perf_counter()
        try:
            yield extra
        except BaseException as exc:
            extra.setdefault("error", f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.event(kind, duration_s=round(time.perf_counter() - start, 4), **fields, **extra)

    def close(self) -> None:
        """Flush Langfuse, if it is in use."""
        if self._langfuse is not None:
            try:
                self._langfuse.close()
            except Exception as exc:
                warnings.warn(f"langfuse: flush failed: {exc}", stacklevel=2)


def _start_langfuse(run_id: str, env: Mapping[str, str]) -> _Langfuse | None:
    """Return a Langfuse adapter when its keys are set and the package imports."""
    if not (env.get("LANGFUSE_PUBLIC_KEY") and env.get("LANGFUSE_SECRET_KEY")):
        return None
    try:
        return _Langfuse(run_id, name="benchgen-agent")
    except ImportError:
        return None
    except Exception as exc:
        warnings.warn(f"langfuse is configured but could not start: {exc}", stacklevel=2)
        return None
