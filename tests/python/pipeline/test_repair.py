"""After a crash the dataset and the store agree again: nothing damaged is counted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchgen.families import get_family
from benchgen.pipeline import build_scenario
from benchgen.pipeline.repair import folder_problem, repair_dataset
from benchgen.spec.folder import SCENARIO_JSON
from benchgen.store import Store

pytestmark = pytest.mark.slow  # generation runs killed and resumed

FAMILY = "push_to_goal"


@pytest.fixture
def dataset(ramp_dataset: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(ramp_dataset, copy)
    return copy


def _folders(dataset: Path) -> list[Path]:
    return sorted(p for p in (dataset / FAMILY).iterdir() if not p.name.startswith("."))


def _truncate(folder: Path) -> None:
    data = (folder / SCENARIO_JSON).read_bytes()
    (folder / SCENARIO_JSON).write_bytes(data[: len(data) // 2])


def _delete_mesh(folder: Path) -> None:
    next((folder / "meshes").iterdir()).unlink()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        pytest.param(_truncate, "not valid JSON", id="truncated-json"),
        pytest.param(_delete_mesh, "missing", id="deleted-mesh"),
    ],
)
def test_a_damaged_folder_is_rebuilt_not_skipped(
    dataset: Path, damage: object, reason: str
) -> None:
    folder = _folders(dataset)[0]
    damage(folder)  # type: ignore[operator]
    problem = folder_problem(folder)
    assert problem is not None and reason in problem
    seed = int(folder.name.split("-")[-2])
    outcome = build_scenario(get_family(FAMILY), seed, out_root=dataset, godot=False)
    assert outcome.status == "promoted", outcome
    assert "rebuilt over a damaged folder" in outcome.detail
    assert folder_problem(folder) is None


def test_repair_records_moves_aside_and_sweeps(dataset: Path) -> None:
    store = Store.in_folder(dataset)
    good, damaged, _ = _folders(dataset)
    _delete_mesh(damaged)
    dead = dataset / FAMILY / f".tmp-{good.name}-999999999-1"
    live = dataset / FAMILY / f".tmp-{good.name}-{os.getpid()}-1"
    dead.mkdir()
    (dead / "model.xml").write_text("<half")
    live.mkdir()
    report = repair_dataset(dataset, store)
    assert report.stale_removed == [f"{FAMILY}/{dead.name}"]
    assert live.exists() and not dead.exists()
    assert sorted(report.recorded) == sorted(p.name for p in _folders(dataset))
    assert list(report.quarantined) == [damaged.name]
    assert not damaged.exists()
    promoted = {a.scenario_id for a in store.attempts(status="promoted")}
    assert promoted == {p.name for p in _folders(dataset)}
    assert store.latest(damaged.name).status == "rejected"  # type: ignore[union-attr]
    assert not repair_dataset(dataset, store).changed  # idempotent


def test_resumed_generate_makes_store_and_folders_agree(tmp_path: Path) -> None:
    out = tmp_path / "data"
    args = ["generate", "--family", FAMILY, "--count", "3", "--seed", "7", "--out", str(out)]
    args += ["--no-renders", "--no-godot"]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    first = subprocess.run([sys.executable, "-m", "benchgen.cli", *args], capture_output=True,
                           text=True, env=env, timeout=300)  # fmt: skip
    assert first.returncode == 0, first.stderr
    # What a kill between the rename and the store write leaves: folders the store lacks,
    # one damaged afterwards, and an unfinished staging folder.
    (out / "benchgen.sqlite").unlink()
    folders = _folders(out)
    _truncate(folders[1])
    (out / FAMILY / f".tmp-{folders[0].name}-999999999-1").mkdir()
    again = subprocess.run([sys.executable, "-m", "benchgen.cli", *args], capture_output=True,
                           text=True, env=env, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "repaired" in again.stdout
    on_disk = {p.name for p in _folders(out)}
    assert len(on_disk) == 3 and all(folder_problem(out / FAMILY / n) is None for n in on_disk)
    assert not list((out / FAMILY).glob(".tmp-*"))
    stats = Store.in_folder(out).stats()
    assert [(s.family, s.promoted) for s in stats] == [(FAMILY, 3)]
