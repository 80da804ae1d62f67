"""The addon in the real Godot editor (native, headless), driving a live ``benchgen serve``.

Each test makes a scratch project (``editor_harness.make_project``), starts the backend
with ``benchgen serve --project DIR``, and runs the editor with the test driver
``tests/godot/editor/e2e_editor.gd``, which presses the dock's buttons and prints one
line per step. A step that did not print ``ok`` fails the test, and so does any ERROR or
WARNING line the editor printed but the headless editor's own noise.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from editor_harness import (
    REPO,
    benchgen_problems,
    figures,
    free_port,
    live_backend,
    make_project,
    native_godot,
    run_editor,
    serve_command,
    steps,
    wait_warm,
)

from benchgen.godot._process import ensure_imported
from benchgen.godot.runtime import run_godot
from benchgen.verify import verify_folder

pytestmark = [pytest.mark.godot, pytest.mark.slow]

DOCK_STEPS = [
    "dock-in-editor",
    "health-and-families-on-their-own",
    "family-picker",
    "no-jolt-warning",
    "generate",
    "progress-to-the-end",
    "progress-never-goes-back",
    "thumbnails",
    "scenario-rows",
    "add-to-benchmark",
    "undo-action-named",
    "undo",
    "redo",
    "run-benchmark",
    "oracle-results",
    "results-table",
    "run-was-native",
    "start-button-starts-a-backend",
    "stop-button-stops-it",
    "disable-removes-the-dock",
    "disable-removes-the-autoload",
    "enable-brings-the-dock-back",
    "enable-brings-the-autoload-back",
]
COPIED_STEPS = [
    "dock-in-editor",
    "health-and-families-on-their-own",
    "engine-warning",
    "generate",
    "added",
    "benchmark-scene-written",
    "run-benchmark",
    "oracle-results",
    "results-table",
    "run-was-native",
]
HOST_STEPS = [
    "host-scene-refused",
    "no-claim",
    "refusal-says-why",
    "host-scene-untouched",
]
#: A host project's own benchmark scene, which is not benchgen's.
HOST_BENCHMARKER = """[gd_scene load_steps=2 format=3]

[ext_resource type="Script" path="res://game/bench.gd" id="1_bench"]

[node name="HostBenchmark" type="Node2D"]
script = ExtResource("1_bench")
"""


def _assert_steps(lines: list[str], expected: list[str]) -> None:
    found = steps(lines)
    failed = {k: v for k, v in found.items() if v != "ok"}
    missing = [s for s in expected if s not in found]
    tail = "\n".join(lines[-40:])
    assert not failed, f"failed steps: {failed}\n{tail}"
    assert not missing, f"steps that never ran: {missing}\n{tail}"
    assert f"{'BENCHGEN_EDITOR'} passed" in lines, tail
    problems = benchgen_problems(lines)
    assert problems == [], "\n".join(problems)


def test_dock_in_the_real_editor(tmp_path: Path, test_family: str) -> None:
    """Health, families, generate, add/undo/redo, run, Start/Stop, disable/enable."""
    project = tmp_path / "project"
    port = free_port()
    make_project(project, settings={"backend/url": f"http://127.0.0.1:{port}"})
    # The Start button's backend: its own port and dataset, started by the editor itself.
    start_port = free_port()
    start_command = " ".join(serve_command(project, start_port, project / "started"))
    with live_backend(project, tmp_path / "backend.log", port=port) as backend:
        wait_warm(backend.url)  # the dock's wait for a first picture is timed from warm
        lines = run_editor(
            project,
            [
                "--flow=dock",
                f"--family={test_family}",
                "--count=2",
                f"--start-url=http://127.0.0.1:{start_port}",
                f"--start-command={start_command}",
            ],
            home=tmp_path / "home",
            # The dock's Start button starts a host program (benchgen serve), so the editor
            # sees the host's file system (the provisioned Godot through its own loader).
            host_view=True,
        )
    _assert_steps(lines, DOCK_STEPS)
    # The wait is a figure (benchmarks/bench_dock.py --editor reports it), not a timed
    # assertion; the thumbnails step above already proved that one arrived.
    first = figures(lines).get("first-thumbnail-s")
    assert first is not None and first >= 0, "the driver printed no first-thumbnail figure"
    print(f"\ndock in the real editor: first thumbnail {first:.2f} s after Generate")


@pytest.mark.parametrize("engine", ["Jolt Physics", "GodotPhysics3D"])
def test_addon_in_an_empty_project(tmp_path: Path, engine: str, test_family: str) -> None:
    """The copied addon in a fresh project: dock, Add (creating the scene), run, warning."""
    project = tmp_path / "project"
    port = free_port()
    make_project(
        project,
        engine=engine,
        autoload=False,
        settings={"backend/url": f"http://127.0.0.1:{port}"},
    )
    with live_backend(project, tmp_path / "backend.log", port=port):
        lines = run_editor(
            project, ["--flow=copied", f"--family={test_family}"], home=tmp_path / "home"
        )
    _assert_steps(lines, COPIED_STEPS)
    assert (project / "benchmarking" / "benchmarker.tscn").is_file()


def test_addon_next_to_a_host_benchmark_scene(tmp_path: Path, test_family: str) -> None:
    """A project with its own benchmarking/benchmarker.tscn: refused untouched, then the
    benchmark scene the setting names is used."""
    project = tmp_path / "project"
    port = free_port()
    make_project(project, autoload=False, settings={"backend/url": f"http://127.0.0.1:{port}"})
    host = project / "benchmarking" / "benchmarker.tscn"
    host.parent.mkdir()
    host.write_text(HOST_BENCHMARKER, encoding="utf-8")
    (project / "game").mkdir()
    (project / "game" / "bench.gd").write_text("extends Node2D\n", encoding="utf-8")
    before = host.read_bytes()
    with live_backend(project, tmp_path / "backend.log", port=port):
        lines = run_editor(
            project,
            [
                "--flow=copied",
                f"--family={test_family}",
                "--host-scene=res://benchmarking/benchmarker.tscn",
                "--benchmark=res://benchgen/benchmark.tscn",
            ],
            home=tmp_path / "home",
        )
    _assert_steps(lines, COPIED_STEPS + HOST_STEPS)
    assert host.read_bytes() == before
    assert (project / "benchgen" / "benchmark.tscn").is_file()
    assert 'benchmark/scene="res://benchgen/benchmark.tscn"' in (
        project / "project.godot"
    ).read_text(encoding="utf-8")


def _outcomes(project: Path, agent: str) -> dict[str, list[tuple[str, float]]]:
    run = run_godot(
        ["--scenarios=scenarios/*/*/godot/scene.tscn", f"--agent={agent}", "--iterations=2"],
        project_dir=project,
        on_line=None,
        runtime="native",
    )
    assert run.results is not None and run.problems == []
    return {
        s["scene"]: [(i["outcome"], i["time_s"]) for i in s["iterations"]]
        for s in run.results["scenarios"]
    }


def test_editor_open_and_save_keeps_every_scenario_verified(
    tmp_path: Path, ramp_dataset: Path
) -> None:
    """Open and save generated scenes in the editor: verify passes, nothing else is
    rewritten, and each scene runs exactly as before (oracle and null, same times)."""
    project = make_project(tmp_path / "project")
    shutil.copytree(ramp_dataset, project / "scenarios", ignore=shutil.ignore_patterns("*.sqlite*"))
    before = {p: p.read_bytes() for p in (project / "scenarios").rglob("*") if p.is_file()}
    scenes = sorted((project / "scenarios").glob("*/*/godot/scene.tscn"))
    assert len(scenes) == 3
    expected = {agent: _outcomes(project, agent) for agent in ("oracle", "null")}
    lines = run_editor(
        project,
        ["--flow=save", *(f"--scene=res://{s.relative_to(project).as_posix()}" for s in scenes)],
        home=tmp_path / "home",
    )
    _assert_steps(lines, [f"save res://{s.relative_to(project).as_posix()}" for s in scenes])
    changed = {p for p, data in before.items() if not p.is_file() or p.read_bytes() != data}
    assert changed == set(scenes), "the editor rewrote files it was not asked to save"
    added = {p for p in (project / "scenarios").rglob("*") if p.is_file()} - set(before)
    assert added == set()
    assert all("unique_id=" in s.read_text(encoding="utf-8") for s in scenes)  # re-saved
    reports = [verify_folder(s.parents[1]) for s in scenes]
    assert [(r.scenario_id, r.reasons) for r in reports if not r.ok] == []
    for agent, outcomes in expected.items():
        assert _outcomes(project, agent) == outcomes, agent


def test_git_status_is_clean_after_the_editor_opened_the_repository(tmp_path: Path) -> None:
    """Import, then open the editor on a fresh clone: no .import, no .uid, no rewrite."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    godot = native_godot()
    lines = ensure_imported(godot, clone, on_line=lambda *_: None)
    assert lines and benchgen_problems(lines) == []
    opened = run_editor(clone, [], home=tmp_path / "home", quit_after=600)
    assert benchgen_problems(opened) == []
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", status
