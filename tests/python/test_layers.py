"""The stage layering in pyproject.toml ([tool.importlinter]) holds, and its check can fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(python_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the repository's contract on the package under ``python_dir``."""
    env = {**os.environ, "PYTHONPATH": str(python_dir)}
    cmd = [str(LINT_IMPORTS), "--no-cache", "--config", str(REPO / "pyproject.toml")]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "python"
    shutil.copytree(
        REPO / "python", copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    return copy


def test_the_stages_import_only_downhill(tmp_path: Path) -> None:
    result = _lint(REPO / "python", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("module", "code", "named"),
    [
        pytest.param(
            "render/plots.py",
            "from benchgen.store.db import FamilyStats  # noqa\n",
            "benchgen.render.plots -> benchgen.store.db",
            id="top-level",
        ),
        pytest.param(
            "spec/models.py",
            "def _uphill():\n    from benchgen.verify import verify_folder  # noqa\n",
            "benchgen.spec.models -> benchgen.verify",
            id="function-local",
        ),
        pytest.param(
            "cad/geometry.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import benchgen.pipeline\n",
            "benchgen.cad.geometry -> benchgen.pipeline",
            id="type-checking-only",
        ),
        pytest.param(
            "cad/pieces.py",
            "from benchgen.pipeline.build import build_scenario  # noqa\n",
            "benchgen.cad.pieces -> benchgen.pipeline.build",
            id="beside-the-allowed-shim",
        ),
    ],
)
def test_an_uphill_import_breaks_the_contract(
    tmp_path: Path, module: str, code: str, named: str
) -> None:
    copy = _copy_package(tmp_path)
    with (copy / "benchgen" / module).open("a", encoding="utf-8") as fh:
        fh.write("\n\n" + code)
    result = _lint(copy, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout, result.stdout
    assert named in result.stdout, result.stdout


def test_a_package_missing_from_the_stage_list_breaks_the_contract(tmp_path: Path) -> None:
    """The contract is exhaustive: a new stage package must be placed in the order."""
    copy = _copy_package(tmp_path)
    (copy / "benchgen" / "newstage").mkdir()
    (copy / "benchgen" / "newstage" / "__init__.py").write_text('"""A new stage."""\n')
    result = _lint(copy, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "benchgen.newstage" in result.stdout, result.stdout
