"""The example LLM configuration file shipped in the repository loads as documented."""

from __future__ import annotations

from pathlib import Path

from benchgen.agent.llm import load_llm_config

EXAMPLE = Path(__file__).resolve().parents[3] / "llm_configs.example.yaml"


def test_every_named_config_loads() -> None:
    env = {"OPENAI_API_KEY": "k", "GEMINI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"}
    for name in ("openai", "gemini", "anthropic", "local", "smollm2", "scripted"):
        config = load_llm_config(name, env=env, path=EXAMPLE)
        assert config.name == name
        assert config.base_url.startswith(("https://", "http://127.0.0.1"))
    assert load_llm_config(None, env={}, path=EXAMPLE).name == "local"
