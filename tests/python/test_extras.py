"""Each optional part names its pip extra in one sentence when it is missing.

A missing extra is simulated by putting None in ``sys.modules`` for its modules, which is
what Python does for a module that cannot be imported; the CLI runs in a real subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from benchgen.errors import MissingExtraError
from benchgen.extras import EXTRAS, HEAVY, missing_modules, require

REPO = Path(__file__).resolve().parents[2]
EVERY_EXTRA_MODULE = sorted({m for mods in EXTRAS.values() for m in mods})


def _block(monkeypatch: pytest.MonkeyPatch, modules: tuple[str, ...]) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert set(EXTRAS) <= set(extras)
    light = [e for e in EXTRAS if e not in HEAVY]
    assert extras["all"] == [f"benchgen[{','.join(light)}]"]
    assert f"benchgen[{','.join(['all', *HEAVY])}]" in extras["dev"]


@pytest.mark.parametrize("extra", list(EXTRAS))
def test_every_extra_is_installed_here(extra: str) -> None:
    assert missing_modules(extra) == []


@pytest.mark.parametrize("extra", list(EXTRAS))
def test_a_missing_extra_is_one_sentence_naming_it(
    extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _block(monkeypatch, EXTRAS[extra][:1])
    with pytest.raises(MissingExtraError) as raised:
        require(extra, what="this feature")
    message = str(raised.value)
    assert message == (
        f"this feature needs the optional '{extra}' dependencies ({EXTRAS[extra][0]} "
        f"not installed); install them with: pip install 'benchgen[{extra}]'"
    )
    assert isinstance(raised.value, ImportError)


def _cli(args: list[str], blocked: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``benchgen ARGS`` with ``blocked`` modules unimportable."""
    code = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None\n"
        f"sys.argv = ['benchgen', *{args!r}]\n"
        "from benchgen.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "extra"),
    [
        pytest.param(["serve", "--out", "out"], "server", id="serve"),
        pytest.param(["agent", "a ball rolls into a cup", "--out", "out"], "agent", id="agent"),
        pytest.param(["worker", "--address", "127.0.0.1:9"], "cluster", id="worker"),
        pytest.param(["fetch", "s3://bucket/x/ramp_to_goal/y", "--out", "o"], "s3", id="s3"),
        pytest.param(
            ["stats", "--out", "out", "--db", "postgresql://u@127.0.0.1:9/db"],
            "postgres",
            id="postgres",
        ),
        pytest.param(
            ["godot", "run", "--runtime", "web", "--project", str(REPO)], "godot-web", id="web"
        ),
    ],
)
def test_the_cli_names_the_missing_extra(args: list[str], extra: str, tmp_path: Path) -> None:
    result = _cli(args, list(EXTRAS[extra]), tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert f"install them with: pip install 'benchgen[{extra}]'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.slow
def test_the_core_generates_verifies_renders_and_exports_without_any_extra(
    tmp_path: Path,
) -> None:
    """``pip install benchgen`` alone: every extra's modules blocked, in every process."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        f"import sys\nfor name in {EVERY_EXTRA_MODULE!r}:\n    sys.modules[name] = None\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *sys.path]),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    benchgen = [sys.executable, "-m", "benchgen.cli"]
    out = tmp_path / "out"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*benchgen, *args], env=env, capture_output=True, text=True, timeout=600
        )

    generated = run("generate", "--family", "push_to_goal", "--count", "1", "--out", str(out))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    folder = next(out.glob("push_to_goal/*/scenario.json")).parent
    assert (folder / "renders" / "contact_sheet.png").is_file()
    assert (folder / "godot" / "scene.tscn").is_file()
    verified = run("verify", str(out))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    blocked = run("serve", "--out", str(out))
    assert "pip install 'benchgen[server]'" in blocked.stderr, blocked.stderr
