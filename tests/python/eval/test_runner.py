"""benchgen eval's loop: baselines scored, every attempt recorded, a stopped run resumed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from benchgen.eval.agents import make_agents
from benchgen.eval.dataset import load_dataset
from benchgen.eval.episodes import EPISODES, read_episodes
from benchgen.eval.runner import run_eval
from benchgen.eval.scores import Results


def _run(dataset: Path, run: Path, names: list[str], attempts: int = 3) -> Results:
    scenarios = load_dataset(dataset)
    return asyncio.run(
        run_eval(scenarios, make_agents(names), run=run, dataset=str(dataset),
                 attempts=attempts, workers=1, concurrency=2)
    )  # fmt: skip


def test_oracle_solves_everything_at_once_and_null_nothing(
    push_dataset: Path, tmp_path: Path
) -> None:
    results = _run(push_dataset, tmp_path / "run", ["null", "oracle"])
    null, oracle = results.agents

    assert (oracle.success_at_1, oracle.auccess, oracle.episodes) == (1.0, 1.0, 3)
    assert (null.success_at_k, null.episodes, null.tasks) == (0.0, 9, 3)
    assert set(null.failures) <= {"TIMEOUT"} and null.failures["TIMEOUT"] == 9
    episodes = read_episodes(tmp_path / "run")
    assert sorted(e.attempt for e in episodes if e.agent == "null") == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    first = next(e for e in episodes if e.agent == "oracle")
    assert first.outcome.won_s is not None and first.outcome.entered_s is not None
    assert json.loads((tmp_path / "run" / "results.json").read_text())["agents"][1]["solved"] == 3


def test_a_stopped_run_resumes_without_repeating_an_episode(
    push_dataset: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    _run(push_dataset, run, ["random"])
    lines = (run / EPISODES).read_bytes().splitlines(keepends=True)
    assert len(lines) == 9
    # As after a kill: two whole episodes kept, the third cut in the middle of its line.
    (run / EPISODES).write_bytes(b"".join(lines[:2]) + lines[2][: len(lines[2]) // 2])
    _run(push_dataset, run, ["random"])

    episodes = read_episodes(run)
    keys = [e.key for e in episodes]
    assert len(keys) == len(set(keys)) == 9
    again = [json.loads(line) for line in (run / EPISODES).read_bytes().splitlines()]
    assert [json.loads(line) for line in lines[:2]] == again[:2]
    # The same seed gives the same random actions, resumed or not.
    redone = {(e["scenario"], e["attempt"]): e["solution"] for e in again}
    assert redone == {
        (json.loads(x)["scenario"], json.loads(x)["attempt"]): json.loads(x)["solution"]
        for x in lines
    }
    _run(push_dataset, run, ["random"])
    assert len(read_episodes(run)) == 9  # finished: nothing left to run


def test_search_learns_from_outcomes(push_dataset: Path, tmp_path: Path) -> None:
    results = _run(push_dataset, tmp_path / "run", ["random", "search"], attempts=5)
    random, search = results.agents
    assert search.success_at_k > random.success_at_k
    episodes = [e for e in read_episodes(tmp_path / "run") if e.agent == "search"]
    # Each later attempt starts from the closest one so far: it never gets worse twice in a row.
    assert all(e.outcome.closest_distance is not None for e in episodes)
