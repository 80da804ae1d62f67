"""Datasets the eval tests share: a few promoted push_to_goal scenarios, built once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchgen.spec.folder import PROBLEM_JSON, SCENARIO_JSON


@pytest.fixture(scope="session")
def push_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three promoted push_to_goal scenarios (the first seeds from 100 that promote)."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    out = tmp_path_factory.mktemp("push")
    family, promoted = get_family("push_to_goal"), 0
    for seed in range(100, 120):
        outcome = build_scenario(family, seed, out_root=out, godot=False)
        promoted += outcome.status == "promoted"
        if promoted == 3:
            return out
    raise AssertionError("push_to_goal promoted fewer than 3 of seeds 100..119")


@pytest.fixture
def parts_dataset(push_dataset: Path, tmp_path: Path) -> Path:
    """One push_to_goal scenario whose action space also offers a block to place."""
    source = sorted(push_dataset.glob(f"*/*/{SCENARIO_JSON}"))[0].parent
    folder = tmp_path / "parts" / source.parent.name / source.name
    shutil.copytree(source, folder)
    catalog = {
        "catalog": [{"kind": "block", "size": [0.05, 0.05, 0.05], "friction": 0.8,
                     "max_count": 2, "description": ""}],
        "orientation": "yaw",
    }  # fmt: skip
    for name in (SCENARIO_JSON, PROBLEM_JSON):
        data = json.loads((folder / name).read_text())
        data["action_space"]["parts"] = catalog
        (folder / name).write_text(json.dumps(data))
    return tmp_path / "parts"
