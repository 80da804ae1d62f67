"""The CLI as a user runs it: real subprocesses, exit codes and one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the CLI in real subprocesses

BENCHGEN = [sys.executable, "-m", "benchgen.cli"]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*BENCHGEN, *args], capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def test_families_lists_one_name_per_line() -> None:
    result = run("families")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert "push_to_goal" in names and len(names) == len(set(names))
    assert all(len(line.split(maxsplit=1)) == 2 for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--family", "nope"], "'nope' is not a scenario family; available:", id="unknown-family"
        ),
        pytest.param(
            ["--family", "push_to_goal", "--count", "0"],
            "count must be at least 1, got 0",
            id="count-0",
        ),
        pytest.param(
            ["--family", "push_to_goal", "--seed", "-3"],
            "seed must be between 0 and",
            id="bad-seed",
        ),
        pytest.param(
            ["--family", "push_to_goal", "--params", "[1]"],
            "--params must be a JSON object",
            id="bad-params",
        ),
        pytest.param(
            ["--family", "push_to_goal", "--params", '{"cube_side": 9}'],
            "cube_side",
            id="param-range",
        ),
    ],
)
def test_generate_bad_input_is_one_clear_error(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = run("generate", *args, "--out", str(tmp_path / "o"), "--no-renders", "--no-godot")
    assert result.returncode != 0
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("generate", "--family", "push_to_goal", "--out", str(blocker), "--no-renders")
    assert result.returncode != 0
    assert "is a file, not a folder" in result.stderr


def test_verify_reports_a_corrupted_scenario(ramp_dataset: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(ramp_dataset, copy)
    folders = sorted(copy.glob("push_to_goal/*/"))
    (folders[0] / "scenario.json").write_text("{broken")
    model = folders[1] / "model.xml"
    model.write_text(model.read_text().replace("<worldbody>", "<worldbody><bogus/>"))
    result = run("verify", str(copy), "--no-rebuild")
    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    assert "not valid JSON" in out
    assert "HASH_MISMATCH" in out or "MODEL_REJECTED" in out
    assert "1 passed, 2 failed" in out


def test_verify_passes_on_a_good_dataset(ramp_dataset: Path) -> None:
    result = run("verify", str(ramp_dataset))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed, 0 failed" in result.stdout


def test_verify_missing_folder() -> None:
    result = run("verify", "/nonexistent/benchgen")
    assert result.returncode != 0 and "does not exist" in result.stderr


def test_show_prints_the_scenario(ramp_dataset: Path) -> None:
    folder = next(ramp_dataset.glob("push_to_goal/*/"))
    result = run("show", folder.name, "--out", str(ramp_dataset), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == folder.name
    missing = run("show", "push_to_goal-999999-abcdef", "--out", str(ramp_dataset))
    assert missing.returncode != 0 and "no scenario" in missing.stderr


def test_generate_resumes_and_records_stats(tmp_path: Path) -> None:
    out = tmp_path / "data"
    args = [
        "generate",
        "--family",
        "push_to_goal",
        "--count",
        "2",
        "--seed",
        "3",
        "--out",
        str(out),
        "--no-renders",
        "--no-godot",
    ]
    first = run(*args)
    assert first.returncode == 0, first.stderr
    folders = sorted(p.name for p in (out / "push_to_goal").iterdir())
    assert len(folders) == 2
    again = run(*args)
    assert again.returncode == 0
    assert sorted(p.name for p in (out / "push_to_goal").iterdir()) == folders
    stats = run("stats", "--out", str(out))
    assert stats.returncode == 0 and "push_to_goal" in stats.stdout and "100%" in stats.stdout
    chart = run("stats", "--out", str(out), "--plot", str(out / "stats.png"))
    assert chart.returncode == 0 and (out / "stats.png").stat().st_size > 1000


def test_godot_run_refuses_scenes_outside_the_project(tmp_path: Path) -> None:
    result = run("godot", "run", "--scenarios", f"{tmp_path}/*", "--agent", "oracle")
    assert result.returncode != 0
    assert "outside the Godot project" in " ".join(result.stderr.split())


# Finding 7 of issue 11: each of these is one sentence and a non-zero exit, no traceback.


def _one_sentence(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert message in " ".join(result.stderr.split()), result.stderr


def test_verify_survives_a_non_utf8_scenario_json(ramp_dataset: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(ramp_dataset, copy)
    folder = sorted(copy.glob("push_to_goal/*/"))[0]
    (folder / "scenario.json").write_bytes(b'{"id": "\xff\xfe"}')
    result = run("verify", str(copy), "--no-rebuild")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = " ".join(result.stdout.split())
    assert "not UTF-8" in out and "2 passed, 1 failed" in out


@pytest.fixture
def full_disk(tmp_path: Path) -> Path:
    """A 3 MB tmpfs: a real full disk for a generate run."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_sentence(full_disk: Path) -> None:
    (full_disk / "filler").write_bytes(b"x" * (3 * 2**20 - 60_000))
    result = run("generate", "--family", "push_to_goal", "--count", "2", "--out",
                 str(full_disk / "data"), "--no-renders", "--no-godot")  # fmt: skip
    _one_sentence(result, "the disk is full")


def test_worker_with_a_bad_address() -> None:
    _one_sentence(run("worker", "--address", "not an address"), "is not HOST:PORT")


def test_generate_with_an_empty_out_writes_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [*BENCHGEN, "generate", "--family", "push_to_goal", "--out", "", "--no-renders"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    _one_sentence(result, "names no folder")
    assert list(tmp_path.iterdir()) == []


def test_stats_plot_does_not_create_folders(tmp_path: Path) -> None:
    from benchgen.store import Store

    Store.in_folder(tmp_path).close()
    target = tmp_path / "no" / "such" / "chart.png"
    result = run("stats", "--out", str(tmp_path), "--plot", str(target))
    _one_sentence(result, "does not exist; create it first")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["generate", "serve"])
def test_workers_are_capped(command: str, tmp_path: Path) -> None:
    args = ["--family", "push_to_goal"] if command == "generate" else []
    result = run(command, *args, "--workers", "999", "--out", str(tmp_path / "o"))
    _one_sentence(result, "workers must be between 1 and")
