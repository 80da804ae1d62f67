"""benchgen eval and benchgen eval report from the command line, killed and resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchgen.eval.episodes import EPISODES, read_episodes

pytestmark = pytest.mark.slow


def _benchgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchgen.cli", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def test_killed_run_resumes_with_no_episode_repeated(push_dataset: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    # 3 scenarios × 80 attempts of the null agent, which never solves one (so every attempt
    # runs): far more episodes than the few written between two polls, however fast the
    # machine (a null attempt takes milliseconds).
    total = 3 * 80
    cmd = _benchgen("eval", str(push_dataset), "-a", "null", "-k", "80",
                    "--out", str(run), "--workers", "1", "--concurrency", "1")  # fmt: skip
    child = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(read_episodes(run)) < 3:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    before = read_episodes(run)
    assert 3 <= len(before) < total, "the kill came too late to prove a resume"

    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    after = read_episodes(run)
    keys = [e.key for e in after]
    assert len(keys) == len(set(keys)) == total
    assert after[: len(before)] == before
    assert f"(+{len(before)} resumed)" in done.stderr
    assert "null" in done.stdout and "AUCCESS" in done.stdout


def test_report_writes_a_page_and_charts(push_dataset: Path, tmp_path: Path) -> None:
    run, out = tmp_path / "run", tmp_path / "report"
    done = subprocess.run(
        _benchgen("eval", str(push_dataset), "-a", "oracle", "-a", "null", "-k", "2",
                  "-o", str(run)),
        env=_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = subprocess.run(
        _benchgen("eval", "report", str(run), "--out", str(out)),
        env=_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    page = (out / "report.md").read_text()
    assert "| oracle | 3 | 100.0% | 100.0% (K=2) | 1.000 |" in page
    for chart in ("leaderboard.png", "families.png", "family_push_to_goal.png", "failures.png"):
        assert f"]({chart})" in page and (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(
            ["-a", "wizard"], "'wizard' is not an agent; use one of null, random", id="agent"
        ),
        pytest.param(["-a", "null", "-f", "nope"], "has no scenario of family nope", id="family"),
    ],
)
def test_bad_input_is_one_sentence(
    push_dataset: Path, tmp_path: Path, args: list[str], said: str
) -> None:
    done = subprocess.run(
        _benchgen("eval", str(push_dataset), *args, "-o", str(tmp_path / "r")),
        env=_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r" / EPISODES).exists()
