"""Building scenario folders: atomic, resumable, deterministic, standalone script.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mujoco
import numpy as np
import pytest

from benchgen.families import get_family
from benchgen.pipeline import build_scenario
from benchgen.spec import load_spec
from benchgen.spec.folder import file_hashes

DETERMINISTIC = ("scenario.json", "problem.json", "model.xml", "script.py")
FAMILY = "push_to_goal"  # the family of the ramp_dataset fixture (tests/conftest.py)


def test_folder_layout(ramp_dataset: Path) -> None:
    folder = next(ramp_dataset.glob(f"{FAMILY}/*/"))
    spec = load_spec(folder)
    assert {"scenario.json", "problem.json", "model.xml", "script.py", "meshes"} <= {
        p.name for p in folder.iterdir()
    }
    assert set(spec.files) == set(file_hashes(folder))
    assert all(len(h) == 64 for h in spec.files.values())
    assert spec.verification is not None and spec.verification.promoted


def test_same_family_params_seed_give_identical_bytes(ramp_dataset: Path, tmp_path: Path) -> None:
    """Determinism: a second build into another folder is byte-identical (renders excluded)."""
    first = next(ramp_dataset.glob(f"{FAMILY}/*/"))
    outcome = build_scenario(get_family(FAMILY), load_spec(first).seed, out_root=tmp_path)
    assert outcome.folder is not None
    second = Path(outcome.folder)
    for name in DETERMINISTIC:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert file_hashes(first) == file_hashes(second)


@pytest.mark.slow
def test_rebuild_in_a_fresh_process_is_identical(ramp_dataset: Path, tmp_path: Path) -> None:
    """The standalone script.py rebuilds the same scenario (python script.py --seed N --out DIR)."""
    folder = next(ramp_dataset.glob(f"{FAMILY}/*/"))
    spec = load_spec(folder)
    run = subprocess.run(
        [
            sys.executable,
            str(folder / "script.py"),
            "--seed",
            str(spec.seed),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "promoted" in run.stdout
    rebuilt = tmp_path / FAMILY / spec.id
    for name in DETERMINISTIC:
        assert (rebuilt / name).read_bytes() == (folder / name).read_bytes(), name


def test_promoted_model_is_stable_in_plain_mujoco(ramp_dataset: Path) -> None:
    """Any promoted model.xml, stepped 5 s with no action in plain MuJoCo, stays put."""
    for folder in ramp_dataset.glob("*/*/"):
        spec = load_spec(folder)
        model = mujoco.MjModel.from_xml_path(str(folder / "model.xml"))
        data = mujoco.MjData(model)
        mujoco.mj_step(model, data, nstep=int(5 / model.opt.timestep))
        assert np.all(np.isfinite(data.qpos)) and np.all(np.isfinite(data.qvel))
        assert np.abs(data.qvel).max() < 0.05
        centre = data.body(spec.moved_object.body).xpos
        assert not spec.goal_zone.contains_point(centre.tolist())


def test_existing_scenario_is_skipped(ramp_dataset: Path) -> None:
    seed = load_spec(next(ramp_dataset.glob(f"{FAMILY}/*/"))).seed
    outcome = build_scenario(get_family(FAMILY), seed, out_root=ramp_dataset, godot=False)
    assert outcome.status == "skipped"


def test_crash_mid_build_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash after some files were written leaves nothing under the final name."""
    import benchgen.pipeline.build as build

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "seal", explode)  # the last step before publishing
    with pytest.raises(KeyboardInterrupt):
        build_scenario(get_family(FAMILY), 7, out_root=tmp_path, godot=False)
    assert list((tmp_path / FAMILY).iterdir()) == []


def test_rejected_scenario_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A family whose reference solution fails is rejected with UNSOLVED and leaves nothing."""
    family = get_family(FAMILY)
    original = family.layout

    def no_push(params):
        layout = original(params)
        layout.reference_solution.push.velocity = [-0.01, 0.0, 0.0]
        return layout

    monkeypatch.setattr(family, "layout", no_push)
    outcome = build_scenario(family, 7, out_root=tmp_path, godot=False)
    assert outcome.status == "rejected"
    assert "UNSOLVED" in outcome.reasons
    assert list((tmp_path / FAMILY).iterdir()) == []
