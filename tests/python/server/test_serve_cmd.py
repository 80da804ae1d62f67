"""``benchgen serve`` refuses a host other machines can reach unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchgen.cli.app import _register, app
from benchgen.cli.serve_cmd import is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        pytest.param("127.0.0.1", True, id="v4"),
        pytest.param("127.8.9.10", True, id="v4-net"),
        pytest.param("::1", True, id="v6"),
        pytest.param("localhost", True, id="name"),
        pytest.param("0.0.0.0", False, id="any"),
        pytest.param("192.168.1.5", False, id="lan"),
        pytest.param("example.com", False, id="dns"),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_a_remote_host_without_allow_remote(tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--allow-remote" in result.output


def test_serve_is_listed_in_help() -> None:
    _register()
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--allow-remote" in result.output and "--workers" in result.output
