"""A benchmark over N Godot processes: each runs a shard, the results merge in scene order."""

from __future__ import annotations

import pytest
from editor_harness import REPO

from benchgen.errors import GodotError
from benchgen.godot._shards import merge_reports, shard_arg, shardable, table_lines
from benchgen.godot.runtime import run_godot


def _report(scenes: list[str], agent: str = "null") -> dict:
    return {
        "godot_version": "4.6.3",
        "physics_engine": "Jolt Physics",
        "agent": agent,
        "scenarios": [
            {
                "scene": s,
                "successes": 0,
                "failures": 1,
                "errors": 0,
                "iterations": [{"outcome": "failure", "reason": "TIMEOUT", "time_s": 1.5}],
            }
            for s in scenes
        ],
    }


def test_shards_interleave_back_into_one_process_order() -> None:
    scenes = [f"res://s{i}.tscn" for i in range(7)]
    shards = [_report(scenes[i::3]) for i in range(3)]
    assert merge_reports(shards) == _report(scenes)
    assert shard_arg(1, 3) == "--shard=1/3"


@pytest.mark.parametrize(
    ("args", "split"),
    [
        pytest.param(["--agent=oracle", "--scenarios=res://x/*"], True, id="scenes"),
        pytest.param(["--tests"], False, id="gdscript-tests"),
        pytest.param(["--agent=llm"], False, id="llm-agent"),
        pytest.param(["--screenshot"], False, id="screenshot"),
    ],
)
def test_what_can_be_split(args: list[str], split: bool) -> None:
    assert shardable(args) is split


def test_an_empty_shard_merges_to_nothing() -> None:
    assert merge_reports([_report(["res://a.tscn"]), _report([])]) == _report(["res://a.tscn"])


@pytest.mark.parametrize(
    ("reports", "match"),
    [
        pytest.param([_report(["a"]), None], r"shard\(s\) \[1\] of 2 printed no results", id="gap"),
        pytest.param([_report(["a"]), _report(["b"], "oracle")], "ran differently", id="agents"),
    ],
)
def test_shards_that_do_not_fit_together_are_an_error(reports: list, match: str) -> None:
    with pytest.raises(GodotError, match=match):
        merge_reports(reports)


def test_the_merged_table_has_the_runners_columns() -> None:
    lines = table_lines(_report(["res://a.tscn"]))
    assert lines[0].split() == ["scene", "successes", "failures", "errors", "mean", "t/s"]
    assert lines[1].split() == ["res://a.tscn", "0", "1", "0", "1.50"]
    assert lines[-1] == "agent=null godot=4.6.3 physics=Jolt Physics"


@pytest.mark.godot
@pytest.mark.parametrize("agent", ["oracle", "null"])
def test_three_processes_give_one_process_outcomes(agent: str) -> None:
    """The sample's scenes (one per family and more) split over 3 processes, as over 1."""
    args = ["--scenarios=res://scenarios/*/*/godot/scene.tscn", f"--agent={agent}"]
    one = run_godot([*args, "--iterations=1"], project_dir=REPO, on_line=None, runtime="native")
    three = run_godot(
        [*args, "--iterations=1"], project_dir=REPO, on_line=None, runtime="native", processes=3
    )
    assert one.results is not None and three.results is not None
    assert len(one.results["scenarios"]) >= 10
    assert three.problems == []

    def outcomes(results: dict) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            (s["scene"], [(i["outcome"], i["reason"]) for i in s["iterations"]])
            for s in results["scenarios"]
        ]

    assert outcomes(three.results) == outcomes(one.results)
