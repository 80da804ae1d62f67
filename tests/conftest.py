"""Shared fixtures: a small generated dataset reused by many tests (built once per session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


#: The family the shared fixtures and most tests generate: fast, and promoted often.
TEST_FAMILY = "push_to_goal"


@pytest.fixture(scope="session")
def test_family() -> str:
    return TEST_FAMILY


@pytest.fixture(scope="session")
def ramp_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three promoted scenarios of TEST_FAMILY (the first seeds from 7 that promote)."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    out = tmp_path_factory.mktemp("dataset")
    family = get_family(TEST_FAMILY)
    promoted, seed = 0, 7
    while promoted < 3:
        assert seed < 40, f"{TEST_FAMILY} promoted only {promoted} of seeds 7..{seed - 1}"
        promoted += build_scenario(family, seed, out_root=out).status == "promoted"
        seed += 1
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
