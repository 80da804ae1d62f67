"""A scripted model behind a real OpenAI-compatible HTTP endpoint, for exact LLM-path runs.

The LLM agent talks to it over HTTP exactly as to any ``/v1/chat/completions`` server
(retries, timeouts, tool calls, token usage), while the answers are fixed in advance:

- ``ScriptedEndpoint(replies=[...])`` answers queued ``(status, body, headers)`` in order
  (tests: a valid answer, a malformed one, a 429 then a success);
- ``ScriptedEndpoint(policy=feedback_policy)`` answers every request with a function of its
  messages; :func:`feedback_policy` is the "scripted LLM" of the leaderboards. It reads
  the problem from the first user message and answers with ``submit_solution``: first a
  push aimed at the goal's centre at 40 % of the top speed, then, from the feedback of
  each attempt (where the object ended), the last push turned towards the goal and
  scaled by the square root of the distance ratio. It places no parts.

Token usage is reported as characters / 4 of the prompt and the answer (an estimate, as
the scripted model has no tokenizer). Run one as a process::

    python -m benchgen.eval.scripted_llm --port 8123 [--policy feedback]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Reply",
    "ScriptedEndpoint",
    "completion",
    "feedback_policy",
    "http_error",
    "main",
    "tool_call_reply",
]

Reply = tuple[int, dict[str, Any], dict[str, str]]
Policy = Callable[[dict[str, Any]], Reply]
_NUMBERS = r"\[(-?[\d.]+), (-?[\d.]+), (-?[\d.]+)\]"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def completion(message: dict[str, Any], *, prompt: str = "") -> dict[str, Any]:
    """Return the chat.completion body of one assistant ``message``."""
    answer = json.dumps(message)
    usage = {"prompt_tokens": _tokens(prompt), "completion_tokens": _tokens(answer)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": usage,
    }  # fmt: skip


def tool_call_reply(name: str, arguments: str, *, prompt: str = "") -> Reply:
    """Return a 200 reply calling tool ``name`` with ``arguments`` (JSON text, or not)."""
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{uuid.uuid4().hex[:10]}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
        ],
    }
    return 200, completion(message, prompt=prompt), {}


def http_error(status: int, **headers: str) -> Reply:
    """Return an error reply (e.g. 429 with ``Retry-After``)."""
    return status, {"error": {"message": f"status {status}", "type": "scripted"}}, headers


def _problem(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        content = message.get("content")
        if message.get("role") == "user" and isinstance(content, str) and "problem.json" in content:
            start = content.find("{", content.find("problem.json"))
            try:
                value, _ = json.JSONDecoder().raw_decode(content[start:])
            except json.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _last_push(messages: list[dict[str, Any]]) -> list[float] | None:
    for message in reversed(messages):
        for call in message.get("tool_calls") or []:
            try:
                push = json.loads(call["function"]["arguments"]).get("push") or {}
                return [float(v) for v in push["velocity"]]
            except (KeyError, TypeError, ValueError, AttributeError):
                return None
    return None


def _ended_at(messages: list[dict[str, Any]]) -> list[float] | None:
    last = messages[-1] if messages else {}
    found = re.search("ended at " + _NUMBERS, str(last.get("content") or ""))
    return [float(v) for v in found.groups()] if found else None


def _next_push(problem: dict[str, Any], messages: list[dict[str, Any]]) -> list[float]:
    start = problem["moved_object"]["start_position"]
    goal = problem["goal_zone"]["center"]
    to_goal = (goal[0] - start[0], goal[1] - start[1])
    top = float(problem["action_space"]["push"]["max_speed"])
    last, ended = _last_push(messages), _ended_at(messages)
    if last is None or ended is None:
        norm = math.hypot(*to_goal) or 1.0
        return [0.4 * top * to_goal[0] / norm, 0.4 * top * to_goal[1] / norm, 0.0]
    went = (ended[0] - start[0], ended[1] - start[1])
    if math.hypot(*went) < 0.01:
        turn, factor = 0.0, 2.0
    else:
        turn = math.atan2(to_goal[1], to_goal[0]) - math.atan2(went[1], went[0])
        turn = math.atan2(math.sin(turn), math.cos(turn))
        factor = min(2.0, max(0.5, math.hypot(*to_goal) / math.hypot(*went))) ** 0.5
    c, s = math.cos(turn), math.sin(turn)
    v = [factor * (c * last[0] - s * last[1]), factor * (s * last[0] + c * last[1]), 0.0]
    speed = math.hypot(v[0], v[1])
    if speed > top:
        v = [v[0] * top / speed, v[1] * top / speed, 0.0]
    return [round(x, 4) for x in v]


def feedback_policy(body: dict[str, Any]) -> Reply:
    """Answer one request as the scripted LLM of the module docstring."""
    messages = body.get("messages") or []
    prompt = json.dumps(messages)
    problem = _problem(messages)
    if problem is None or not problem.get("action_space", {}).get("push"):
        message = {"role": "assistant", "content": "I cannot read this problem."}
        return 200, completion(message, prompt=prompt), {}
    solution = {"push": {"velocity": _next_push(problem, messages)}, "parts": []}
    return tool_call_reply("submit_solution", json.dumps(solution), prompt=prompt)


class ScriptedEndpoint:
    """A ``/v1/chat/completions`` server on 127.0.0.1 answering from a script or a policy."""

    def __init__(
        self, *, replies: list[Reply] | None = None, policy: Policy | None = None, port: int = 0
    ) -> None:
        self.replies: list[Reply] = list(replies or [])
        self.policy = policy
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, payload, headers = endpoint._answer({"path": self.path, **body})
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

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def _answer(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self.replies:
                return self.replies.pop(0)
        if self.policy is not None:
            return self.policy(body)
        return http_error(500)

    @property
    def url(self) -> str:
        """The base URL to configure (``.../v1``)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> ScriptedEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> None:
    """Serve the scripted LLM until interrupted."""
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible endpoint.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--policy", choices=["feedback"], default="feedback")
    args = parser.parse_args(argv)
    endpoint = ScriptedEndpoint(policy=feedback_policy, port=args.port)
    print(f"scripted LLM at {endpoint.url}", flush=True)
    try:
        endpoint.thread.join()
    except KeyboardInterrupt:
        endpoint.close()


if __name__ == "__main__":
    main()
