"""The top-level package: its version, its curated names, and no import side effects."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

import pytest

import benchgen


def test_version_is_the_installed_distribution() -> None:
    assert benchgen.__version__ == metadata.version("benchgen")


def test_every_exported_name_resolves() -> None:
    assert sorted(benchgen.__all__) == sorted(set(benchgen.__all__))
    missing = [name for name in benchgen.__all__ if not hasattr(benchgen, name)]
    assert not missing
    assert benchgen.get_family("ramp_to_goal").name == "ramp_to_goal"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        benchgen.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no attribute 'no_such_name'" in str(exc)
    else:
        raise AssertionError("benchgen.no_such_name did not raise AttributeError")


@pytest.mark.slow
def test_only_the_render_stage_sets_mujoco_gl() -> None:
    code = (
        "import os\n"
        "import benchgen, benchgen.pipeline, benchgen.verify\n"
        "print(os.environ.get('MUJOCO_GL'))\n"
        "import benchgen.render\n"
        "print(os.environ.get('MUJOCO_GL'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MUJOCO_GL"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.stdout.split() == ["None", "egl"], result.stderr


def test_importing_the_package_does_not_import_the_stages() -> None:
    code = "import sys, benchgen.errors; print(sorted(m for m in sys.modules if 'benchgen.' in m))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = result.stdout.strip()
    assert loaded == "['benchgen._lazy', 'benchgen.errors']", loaded + result.stderr
