"""Shared fixtures: a small generated dataset reused by many tests (built once per session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def ramp_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three promoted ramp_to_goal scenarios (seed 7), no renders."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    out = tmp_path_factory.mktemp("ramp")
    family = get_family("ramp_to_goal")
    for seed in (7, 8, 9):
        outcome = build_scenario(family, seed, out_root=out)
        assert outcome.status == "promoted", outcome.detail
    return out


@pytest.fixture
def bwrap() -> str:
    """bubblewrap, the security boundary: missing is a failure, unless explicitly opted out.

    ``BENCHGEN_ALLOW_NO_BWRAP=1`` turns the failure into a skip, for a machine that cannot
    install it; nothing else does.
    """
    import shutil

    found = shutil.which("bwrap")
    if found is None:
        message = "bubblewrap (bwrap) is missing: apt-get install bubblewrap"
        if os.environ.get("BENCHGEN_ALLOW_NO_BWRAP") == "1":
            pytest.skip(message + " (skipped: BENCHGEN_ALLOW_NO_BWRAP=1)")
        pytest.fail(message + ", or set BENCHGEN_ALLOW_NO_BWRAP=1 to skip these tests")
    return found
