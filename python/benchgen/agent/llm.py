"""Chat models for the agent: any OpenAI-compatible endpoint, configured by env or file.

A configuration comes from (first match wins):

1. ``--config NAME``: the entry ``NAME`` of the configuration file;
2. the environment: ``BENCHGEN_LLM_BASE_URL``, ``BENCHGEN_LLM_API_KEY``,
   ``BENCHGEN_LLM_MODEL`` (and ``BENCHGEN_LLM_VISION=1`` for a vision model);
3. the file's ``default`` entry.

The file is ``$BENCHGEN_LLM_CONFIG``, else ``./llm_configs.yaml``, else
``~/.config/benchgen/llm_configs.yaml``::

    default: local
    configs:
      openai:
        base_url: https://api.openai.com/v1
        api_key_env: OPENAI_API_KEY      # read the key from this variable
        model: gpt-4o
        vision: true
      gemini:
        base_url: https://generativelanguage.googleapis.com/v1beta/openai/
        api_key_env: GEMINI_API_KEY
        model: gemini-2.5-flash
        vision: true
      local:
        base_url: http://127.0.0.1:11434/v1   # Ollama; vLLM and llama.cpp work alike
        api_key: ollama
        model: qwen2.5-coder:14b

Calls go through the ``openai`` client with its own retries off: :class:`OpenAIChatModel`
retries 429, 5xx, timeouts and connection errors itself with exponential backoff (and
``Retry-After`` when the server sends one), so every attempt is visible in the trace.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchgen.errors import AgentError

__all__ = [
    "ChatModel",
    "LLMConfig",
    "ModelReply",
    "OpenAIChatModel",
    "ToolCall",
    "Usage",
    "config_file",
    "config_names",
    "load_llm_config",
]

ENV_BASE_URL = "BENCHGEN_LLM_BASE_URL"
ENV_API_KEY = "BENCHGEN_LLM_API_KEY"
ENV_MODEL = "BENCHGEN_LLM_MODEL"
ENV_VISION = "BENCHGEN_LLM_VISION"
ENV_CONFIG_FILE = "BENCHGEN_LLM_CONFIG"
_RETRY_STATUS = {408, 409, 425, 429}


class LLMConfig(BaseModel):
    """One OpenAI-compatible endpoint and model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "env"
    base_url: str
    api_key: str = Field(default="not-needed", repr=False)
    model: str
    vision: bool = Field(False, description="Send renders as image_url parts to the reviewer.")
    temperature: float | None = 0.2
    max_tokens: int | None = 4096
    timeout_s: float = 120.0
    max_retries: int = Field(5, ge=0)
    backoff_s: float = Field(1.0, ge=0, description="First retry delay; doubles each retry.")
    max_backoff_s: float = 60.0
    #: Prices for the cost per solved scenario of ``benchgen eval`` (US dollars per million
    #: tokens); unset means the cost is not known and is reported as such.
    prompt_usd_per_mtok: float | None = Field(None, ge=0)
    completion_usd_per_mtok: float | None = Field(None, ge=0)
    problem_format: Literal["json", "text"] = Field(
        "json",
        description="benchgen eval: give the problem as problem.json (json), or only its task "
        "text, which states the numbers a push needs (text: for small context windows).",
    )


class Usage(BaseModel):
    """Token counts reported by the endpoint (``usage`` of each response)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    calls: int = 0

    def add(self, other: Usage) -> Usage:
        """Return the sum of two counts."""
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in Usage.model_fields})


class ToolCall(BaseModel):
    """One tool call of an assistant message, its arguments still JSON text."""

    id: str
    name: str
    arguments: str = ""


class ModelReply(BaseModel):
    """One assistant turn: text, tool calls and token usage."""

    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    attempts: int = 1

    def as_message(self) -> dict[str, Any]:
        """Return the turn as an OpenAI chat message to append to the history."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content or ""}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in self.tool_calls
            ]
        return message


class ChatModel(Protocol):
    """What the agent graph needs from a model: one chat completion with tools."""

    @property
    def vision(self) -> bool: ...

    @property
    def name(self) -> str: ...

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
    ) -> ModelReply: ...


# Configuration -----------------------------------------------------------------------


def config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """Return the configuration file to read, or None when there is none."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG_FILE):
        return Path(env[ENV_CONFIG_FILE])
    for candidate in (Path("llm_configs.yaml"), Path.home() / ".config/benchgen/llm_configs.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _read_file(path: Path) -> dict[str, Any]:
    """Return the parsed configuration file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AgentError(f"cannot read the LLM configuration file {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("configs", {}), dict):
        raise AgentError(
            f"{path} must be a mapping with a 'configs:' mapping of named configurations"
        )
    return data


def _from_entry(name: str, entry: Any, env: Mapping[str, str], path: Path) -> LLMConfig:
    """Return the named configuration, its key read from ``api_key_env`` when given."""
    if not isinstance(entry, dict):
        raise AgentError(f"configuration {name!r} in {path} must be a mapping, not {entry!r}")
    entry = dict(entry)
    key_env = entry.pop("api_key_env", None)
    if key_env:
        if not env.get(key_env):
            raise AgentError(
                f"configuration {name!r} reads its API key from ${key_env}, which is not set: "
                f"export {key_env}=..."
            )
        entry["api_key"] = env[key_env]
    try:
        return LLMConfig(name=name, **entry)
    except ValidationError as exc:
        raise AgentError(f"configuration {name!r} in {path} is invalid: {exc}") from exc


def _from_env(env: Mapping[str, str]) -> LLMConfig | None:
    """Return the configuration of the BENCHGEN_LLM_* variables, or None if unset."""
    if not (env.get(ENV_MODEL) or env.get(ENV_BASE_URL)):
        return None
    missing = [v for v in (ENV_BASE_URL, ENV_MODEL) if not env.get(v)]
    if missing:
        raise AgentError(
            f"set {' and '.join(missing)} as well: an endpoint needs a base URL and a model"
        )
    return LLMConfig(
        name="env",
        base_url=env[ENV_BASE_URL],
        api_key=env.get(ENV_API_KEY) or "not-needed",
        model=env[ENV_MODEL],
        vision=env.get(ENV_VISION, "").lower() in {"1", "true", "yes"},
    )


def config_names(*, env: Mapping[str, str] | None = None, path: Path | None = None) -> list[str]:
    """Return the names of the configurations in the file (none when there is no file).

    Raises:
        AgentError: the file exists but is not a configuration file.
    """
    path = path or config_file(env)
    return sorted(_read_file(path).get("configs", {})) if path is not None else []


def load_llm_config(
    name: str | None = None, *, env: Mapping[str, str] | None = None, path: Path | None = None
) -> LLMConfig:
    """Return the LLM configuration to use.

    Args:
        name: a named configuration of the file (``--config``); None for env or default.
        env: the environment (defaults to ``os.environ``).
        path: the configuration file (defaults to :func:`config_file`).

    Raises:
        AgentError: nothing is configured, the name is unknown, or an entry is invalid.
    """
    env = os.environ if env is None else env
    if name is None:
        from_env = _from_env(env)
        if from_env is not None:
            return from_env
    path = path or config_file(env)
    data = _read_file(path) if path is not None else {}
    configs = data.get("configs", {})
    name = name or data.get("default")
    if name is None:
        raise AgentError(
            "no LLM is configured: set BENCHGEN_LLM_BASE_URL, BENCHGEN_LLM_MODEL (and "
            "BENCHGEN_LLM_API_KEY), or write llm_configs.yaml with named configurations "
            "and pass --config NAME (see `benchgen agent --help`)"
        )
    if name not in configs:
        known = ", ".join(sorted(configs)) or "none"
        where = path if path is not None else "llm_configs.yaml (not found)"
        raise AgentError(f"{name!r} is not an LLM configuration in {where}; available: {known}")
    assert path is not None
    return _from_entry(name, configs[name], env, path)


# The OpenAI-compatible client --------------------------------------------------------


def _retry_after(exc: Exception) -> float | None:
    """Return the server's Retry-After in seconds, if it sent one."""
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retryable(exc: Exception) -> bool:
    """Tell whether an openai error is worth another attempt (429, 5xx, network)."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRY_STATUS or exc.status_code >= 500
    return False


def _usage(raw: Any) -> Usage:
    """Return the usage of a response (zeros when the server reports none)."""
    if raw is None:
        return Usage(calls=1)
    prompt = int(getattr(raw, "prompt_tokens", 0) or 0)
    completion = int(getattr(raw, "completion_tokens", 0) or 0)
    total = int(getattr(raw, "total_tokens", 0) or prompt + completion)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total, calls=1)


class OpenAIChatModel:
    """A chat model behind an OpenAI-compatible ``/chat/completions`` endpoint."""

    def __init__(self, config: LLMConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        import openai

        self.config = config
        self.usage = Usage()
        self._sleep = sleep
        self._client = openai.OpenAI(
            base_url=config.base_url, api_key=config.api_key,
            timeout=config.timeout_s, max_retries=0,
        )  # fmt: skip

    @property
    def vision(self) -> bool:
        return self.config.vision

    @property
    def name(self) -> str:
        return f"{self.config.name}:{self.config.model}"

    def _request(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        tool_choice: str | dict[str, Any] | None,
    ) -> Any:
        kwargs: dict[str, Any] = {"model": self.config.model, "messages": messages}
        if tools:
            kwargs["tools"] = tools
            if tool_choice is not None:
                kwargs["tool_choice"] = tool_choice
        if self.config.temperature is not None:
            kwargs["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            kwargs["max_tokens"] = self.config.max_tokens
        return self._client.chat.completions.create(**kwargs)

    def _delay(self, attempt: int, exc: Exception) -> float:
        base = self.config.backoff_s * 2**attempt
        delay = min(self.config.max_backoff_s, base * (1 + 0.25 * random.random()))
        hinted = _retry_after(exc)
        return min(self.config.max_backoff_s, max(delay, hinted)) if hinted is not None else delay

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
    ) -> ModelReply:
        """Return the next assistant turn, retrying transient failures.

        ``tool_choice`` (with ``tools``) is passed on as the API's ``tool_choice``: e.g.
        ``{"type": "function", "function": {"name": "submit"}}`` forces that call.

        Raises:
            AgentError: the endpoint refused the request, or kept failing after retries.
        """
        import openai

        for attempt in range(self.config.max_retries + 1):
            try:
                response = self._request(messages, tools, tool_choice)
                break
            except openai.OpenAIError as exc:
                if not _retryable(exc) or attempt == self.config.max_retries:
                    raise AgentError(
                        f"the LLM endpoint {self.config.base_url} ({self.config.model}) failed "
                        f"after {attempt + 1} attempt(s): {exc}"
                    ) from exc
                self._sleep(self._delay(attempt, exc))
        reply = _reply(response, attempts=attempt + 1)
        self.usage = self.usage.add(reply.usage)
        return reply


def _reply(response: Any, *, attempts: int) -> ModelReply:
    """Return the first choice of a chat completion as a ModelReply."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        raise AgentError(f"the LLM endpoint returned no choices: {str(response)[:300]}")
    message = choices[0].message
    calls = [
        ToolCall(
            id=call.id or f"call_{uuid.uuid4().hex[:12]}",
            name=call.function.name or "",
            arguments=call.function.arguments or "",
        )
        for call in (message.tool_calls or [])
    ]
    return ModelReply(
        content=message.content, tool_calls=calls, usage=_usage(response.usage), attempts=attempts
    )
