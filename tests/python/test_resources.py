"""Packaged data, the cache and the Godot project are found without a fixed repository depth."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchgen import resources

REPO = Path(__file__).resolve().parents[2]


def test_the_checkout_is_recognised() -> None:
    assert resources.development_checkout() == REPO
    assert resources.addon_files() == REPO / "addons" / "benchgen"
    assert (resources.package_path("agent", "notes") / "zones.md").is_file()


def test_an_explicit_project_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(resources.ENV_PROJECT, str(tmp_path / "env"))
    assert resources.project_dir(tmp_path / "given") == tmp_path / "given"
    assert resources.project_dir() == tmp_path / "env"


def test_the_project_around_a_dataset_comes_before_the_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(resources.ENV_PROJECT, raising=False)
    (tmp_path / "project.godot").write_text("config_version=5\n")
    (tmp_path / "scenarios" / "ramp").mkdir(parents=True)
    assert resources.project_dir(near=tmp_path / "scenarios" / "ramp") == tmp_path
    assert resources.project_dir(near=tmp_path.parent) == REPO


def _installed_copy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` against a copy of the package outside any checkout."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "python" / "benchgen", site / "benchgen")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHGEN_")}
    env |= {"PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_an_installed_copy_has_no_checkout_and_says_what_to_pass(tmp_path: Path) -> None:
    result = _installed_copy(
        tmp_path,
        "from benchgen import resources\n"
        "print(resources.development_checkout())\n"
        "print(resources.cache_dir())\n"
        "print(resources.package_path('agent', 'builtin_skills').is_dir())\n"
        "resources.project_dir()\n",
    )
    lines = result.stdout.splitlines()
    assert lines == ["None", str(tmp_path / "xdg" / "benchgen"), "True"], result.stderr
    assert "GodotError: no Godot project given: pass --project DIR" in result.stderr


def test_an_install_without_the_addon_says_how_to_fix_it(tmp_path: Path) -> None:
    result = _installed_copy(tmp_path, "from benchgen import resources; resources.addon_files()")
    assert "carries no Godot addon" in result.stderr, result.stderr


def _install_addon(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "benchgen.cli", "godot", "install-addon", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_install_addon_copies_it_into_a_project(tmp_path: Path) -> None:
    (tmp_path / "project.godot").write_text("config_version=5\n")
    first = _install_addon(str(tmp_path))
    assert first.returncode == 0, first.stderr
    copied = tmp_path / "addons/benchgen/plugin.cfg"
    assert copied.read_bytes() == (REPO / "addons/benchgen/plugin.cfg").read_bytes()
    again = _install_addon(str(tmp_path))
    assert again.returncode == 2 and "already exists; pass --replace" in again.stderr
    assert _install_addon(str(tmp_path), "--replace").returncode == 0
    elsewhere = _install_addon(str(tmp_path / "addons"))
    assert elsewhere.returncode == 2 and "has no project.godot" in elsewhere.stderr
