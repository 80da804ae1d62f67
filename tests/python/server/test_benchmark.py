"""The benchmark scene's scenario array (text edit of a fixture copy) and benchmark runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from benchgen.errors import InvalidSpecError
from benchgen.server import add_benchmark_scenarios, read_benchmark_scenarios
from benchgen.server.benchmark import RUNNER_SCRIPT

from .conftest import REPO, wait_for

A = "res://scenarios/push_to_goal/push_to_goal-000001-aaaaaa/godot/scene.tscn"
B = "res://scenarios/push_to_goal/push_to_goal-000002-bbbbbb/godot/scene.tscn"


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    copy = tmp_path / "benchmarker.tscn"
    shutil.copy(REPO / "benchmarking" / "benchmarker.tscn", copy)
    add_benchmark_scenarios(copy, [], replace=True)  # the committed scene lists the sample
    assert read_benchmark_scenarios(copy) == []
    return copy


def _header_steps(text: str) -> int:
    header = text.splitlines()[0]
    return int(header.split("load_steps=")[1].split()[0].rstrip("]"))


def test_adding_scenes_writes_ext_resources_and_the_typed_array(scene: Path) -> None:
    before = scene.read_text()
    assert add_benchmark_scenarios(scene, [A, B]) == [A, B]
    text = scene.read_text()
    assert read_benchmark_scenarios(scene) == [A, B]
    assert text.count('type="PackedScene"') == 2
    assert "scenarios = Array[PackedScene]([ExtResource(" in text
    assert _header_steps(text) == text.count("[ext_resource") + text.count("[sub_resource") + 1
    for line in before.splitlines()[1:]:
        if not line.startswith("scenarios = "):
            assert line in text.splitlines()  # everything else is kept


def test_adding_is_idempotent_and_keeps_order(scene: Path) -> None:
    add_benchmark_scenarios(scene, [A])
    add_benchmark_scenarios(scene, [B, A])
    assert read_benchmark_scenarios(scene) == [A, B]
    assert scene.read_text().count('type="PackedScene"') == 2


def test_replace_drops_scenes_no_longer_in_the_array(scene: Path) -> None:
    add_benchmark_scenarios(scene, [A, B])
    add_benchmark_scenarios(scene, [B], replace=True)
    assert read_benchmark_scenarios(scene) == [B]
    assert A not in scene.read_text()


def test_untyped_and_multiline_arrays_are_read(tmp_path: Path) -> None:
    scene = tmp_path / "s.tscn"
    scene.write_text(
        "[gd_scene load_steps=3 format=3]\n\n"
        f'[ext_resource type="Script" path="{RUNNER_SCRIPT}" id="1_r"]\n'
        f'[ext_resource type="PackedScene" path="{A}" id="2_a"]\n\n'
        '[node name="Benchmarker" type="Node"]\nscript = ExtResource("1_r")\n'
        'scenarios = [\nExtResource("2_a")\n]\nquit_when_done = true\n\n'
        '[node name="Child" type="Node" parent="."]\n'
    )
    assert read_benchmark_scenarios(scene) == [A]
    add_benchmark_scenarios(scene, [B])
    text = scene.read_text()
    assert read_benchmark_scenarios(scene) == [A, B]
    assert "quit_when_done = true" in text
    assert '[node name="Child" type="Node" parent="."]' in text
    assert _header_steps(text) == 4


def test_a_missing_benchmark_scene_is_created(tmp_path: Path) -> None:
    scene = tmp_path / "benchgen" / "benchmark.tscn"
    assert add_benchmark_scenarios(scene, [A]) == [A]
    assert read_benchmark_scenarios(scene) == [A]
    assert f'path="{RUNNER_SCRIPT}"' in scene.read_text()


def test_a_foreign_scene_is_refused_and_left_untouched(tmp_path: Path) -> None:
    # A host project's own benchmarking/benchmarker.tscn, which is not ours.
    scene = tmp_path / "benchmarker.tscn"
    scene.write_text(
        '[gd_scene load_steps=2 format=3]\n\n[ext_resource type="Script" '
        'path="res://game/bench.gd" id="1_b"]\n\n[node name="Bench" type="Node2D"]\n'
        'script = ExtResource("1_b")\n'
    )
    before = scene.read_bytes()
    with pytest.raises(InvalidSpecError, match=r"not a benchgen benchmark scene.*untouched"):
        add_benchmark_scenarios(scene, [A])
    assert scene.read_bytes() == before


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("/etc/passwd", id="absolute"),
        pytest.param('res://a"]\n[node', id="injection"),
    ],
)
def test_non_res_paths_are_refused(scene: Path, bad: str) -> None:
    with pytest.raises(InvalidSpecError):
        add_benchmark_scenarios(scene, [bad])


def _fake_scenario(project: Path, scenario_id: str, *, scene: bool) -> None:
    folder = project / "scenarios" / "push_to_goal" / scenario_id
    (folder / "godot").mkdir(parents=True, exist_ok=True)
    (folder / "scenario.json").write_text(json.dumps({"id": scenario_id}))
    if scene:
        (folder / "godot" / "scene.tscn").write_text("[gd_scene format=3]\n")


def test_api_adds_scenarios_to_the_benchmark_scene(client: httpx.Client, project: Path) -> None:
    _fake_scenario(project, "push_to_goal-000900-abcdef", scene=True)
    _fake_scenario(project, "push_to_goal-000901-abcdef", scene=False)
    response = client.post(
        "/api/benchmark/scenarios", json={"scenario_ids": ["push_to_goal-000900-abcdef"]}
    )
    assert response.status_code == 200, response.text
    expected = "res://scenarios/push_to_goal/push_to_goal-000900-abcdef/godot/scene.tscn"
    assert expected in response.json()["scenarios"]
    assert expected in client.get("/api/benchmark/scenarios").json()["scenarios"]
    no_scene = client.post(
        "/api/benchmark/scenarios", json={"scenario_ids": ["push_to_goal-000901-abcdef"]}
    )
    assert no_scene.status_code == 409
    for bad in (["../../etc/passwd"], [], ["push_to_goal-999999-ffffff"]):
        assert (
            400
            <= client.post("/api/benchmark/scenarios", json={"scenario_ids": bad}).status_code
            < 500
        )


def test_benchmark_run_reports_progress_and_results(client: httpx.Client) -> None:
    created = client.post("/api/benchmark/runs", json={"agent": "oracle", "iterations": 2})
    assert created.status_code == 202, created.text
    run = wait_for(client, f"/api/benchmark/runs/{created.json()['id']}", ("done", "failed"))
    assert run["state"] == "done", run
    assert run["lines"] == 2
    assert "--agent=oracle" in run["last_line"] and "--iterations=2" in run["last_line"]
    assert run["results"]["report"] == {"agent": "null", "scenarios": []}
    assert client.post("/api/benchmark/runs", json={"agent": "skynet"}).status_code == 422


def test_a_benchmark_run_of_the_llm_agent_hands_godot_this_backend(client: httpx.Client) -> None:
    body = {"agent": "llm", "config": "scripted", "iterations": 3}
    created = client.post("/api/benchmark/runs", json=body)
    assert created.status_code == 202, created.text
    run = wait_for(client, f"/api/benchmark/runs/{created.json()['id']}", ("done", "failed"))
    assert run["state"] == "done", run
    line = run["last_line"]
    assert "--agent=llm" in line and "--config=scripted" in line
    assert f"--backend={str(client.base_url).rstrip('/')}" in line
