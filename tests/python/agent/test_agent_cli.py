"""``benchgen agent`` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from benchgen.cli.agent_cmd import agent

# A private app with the command under test and a second one, so typer keeps sub-commands.
app = typer.Typer()
app.command("agent")(agent)
app.command("noop")(lambda: None)


def test_no_llm_configured_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "BENCHGEN_LLM_BASE_URL",
        "BENCHGEN_LLM_MODEL",
        "BENCHGEN_LLM_API_KEY",
        "BENCHGEN_LLM_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["agent", "a ball in a cup", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no LLM is configured" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_config_name_lists_the_available_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "llm_configs.yaml").write_text(
        "configs:\n  local: {base_url: 'http://l/v1', model: m}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BENCHGEN_LLM_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["agent", "x", "--config", "nope"])
    assert result.exit_code == 2
    assert (
        "'nope' is not an LLM configuration" in result.output
        and "available: local" in result.output
    )


def test_help_mentions_the_environment() -> None:
    result = CliRunner().invoke(app, ["agent", "--help"])
    assert result.exit_code == 0 and "BENCHGEN_LLM_BASE_URL" in result.output
