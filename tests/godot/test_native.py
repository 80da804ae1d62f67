"""The native runner: import pass, fail fast, group kill on timeout, engine choice, any project.

Every test starts the real native Godot (the user's own, or the provisioned one) on a
scratch project: the addon, the hand-written fixture scene, and whatever the test breaks.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import time
from pathlib import Path

import pytest
from editor_harness import REPO, native_godot

from benchgen.errors import GodotError
from benchgen.godot._process import class_cache_stale, ensure_imported
from benchgen.godot._provision import provision_root
from benchgen.godot.native import ENV_GODOT, ROOT_STAMP, find_native_godot, parse_version
from benchgen.godot.runtime import run_godot

pytestmark = pytest.mark.godot

FIXTURE_GLOB = "--scenarios=fixtures/*.tscn"
HANG_SCENE = """[gd_scene load_steps=2 format=3]

[ext_resource type="Script" path="res://hang.gd" id="1_hang"]

[node name="Hang" type="Node"]
script = ExtResource("1_hang")
"""


def _project(dest: Path, *, main_scene: str | None = None) -> Path:
    """A fresh project (no .godot): the addon and the fixture scene, Jolt physics."""
    dest.mkdir(parents=True)
    shutil.copytree(REPO / "addons" / "benchgen", dest / "addons" / "benchgen")
    shutil.copytree(REPO / "tests" / "godot" / "fixtures", dest / "fixtures")
    shutil.copytree(REPO / "prefabs", dest / "prefabs")
    main = f'run/main_scene="{main_scene}"\n' if main_scene else ""
    (dest / "project.godot").write_text(
        'config_version=5\n\n[application]\n\nconfig/name="native runner test"\n'
        f'{main}\n[physics]\n\n3d/physics_engine="Jolt Physics"\n',
        encoding="utf-8",
    )
    return dest


def _oracle(project: Path, **kwargs: object) -> dict:
    run = run_godot(
        [FIXTURE_GLOB, "--agent=oracle", "--iterations=2"],
        project_dir=project,
        on_line=None,
        runtime="native",
        **kwargs,  # type: ignore[arg-type]
    )
    assert run.results is not None and run.problems == [], run.problems
    return run.results


def test_a_fresh_project_is_imported_once_then_runs(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    assert class_cache_stale(project)
    results = _oracle(project)
    (scenario,) = results["scenarios"]
    assert scenario["successes"] == 2
    assert not class_cache_stale(project)
    assert ensure_imported(native_godot(), project, on_line=lambda *_: None) == []


def test_a_newer_script_makes_the_class_cache_stale(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    _oracle(project)
    script = project / "addons" / "benchgen" / "runtime" / "agent_policy.gd"
    # The script is edited after the import pass: date the pass back rather than the
    # script forward, so the next pass (however fast) writes a newer stamp.
    earlier = script.stat().st_mtime - 60
    for record in (project / ".godot").glob("*"):
        if record.is_file():
            os.utime(record, (earlier, earlier))
    assert class_cache_stale(project)
    _oracle(project)
    assert not class_cache_stale(project)


def test_a_parse_error_fails_fast(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    _oracle(project)
    agent = project / "addons" / "benchgen" / "runtime" / "agents" / "null_agent.gd"
    agent.write_text(agent.read_text(encoding="utf-8") + "\nfunc broken(:\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(GodotError, match="Parse Error"):
        run_godot([FIXTURE_GLOB], project_dir=project, on_line=None, timeout_s=600)
    assert time.monotonic() - started < 60, "waited for the timeout instead of failing fast"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if text.encode() in cmdline:
                found.append(int(entry.name))
    return found


def test_a_hung_godot_is_killed_with_its_process_group(tmp_path: Path) -> None:
    project = _project(tmp_path / "hung")
    (project / "hang.gd").write_text("extends Node\n## Never quits.\n", encoding="utf-8")
    (project / "hang.tscn").write_text(HANG_SCENE, encoding="utf-8")
    with pytest.raises(GodotError, match="did not exit within 20 s"):
        run_godot([], project_dir=project, on_line=None, main_scene="res://hang.tscn", timeout_s=20)
    assert _processes_mentioning(str(project)) == []


def test_the_runner_is_the_addons_not_the_main_scene(tmp_path: Path) -> None:
    """A host project whose main scene never quits still runs its benchmark."""
    project = _project(tmp_path / "host", main_scene="res://hang.tscn")
    (project / "hang.gd").write_text("extends Node\n## Never quits.\n", encoding="utf-8")
    (project / "hang.tscn").write_text(HANG_SCENE, encoding="utf-8")
    before = (project / "project.godot").read_bytes()
    assert _oracle(project)["scenarios"][0]["successes"] == 2
    assert (project / "project.godot").read_bytes() == before


@pytest.mark.parametrize(
    ("engine", "name"), [("godot", "GodotPhysics3D"), ("jolt", "Jolt Physics")]
)
def test_the_physics_engine_is_chosen_per_run(tmp_path: Path, engine: str, name: str) -> None:
    project = _project(tmp_path / "p")
    before = (project / "project.godot").read_bytes()
    results = _oracle(project, physics_engine=engine)
    assert results["physics_engine"] == name
    assert results["scenarios"][0]["successes"] == 2
    assert (project / "project.godot").read_bytes() == before
    assert not (project / "override.cfg").exists()


def test_an_unknown_physics_engine_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GodotError, match=r"'bullet' is not a Godot 3D physics engine; use one of"):
        run_godot([], project_dir=_project(tmp_path / "p"), physics_engine="bullet")


def test_the_users_godot_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """BENCHGEN_GODOT names the binary to use (here a launcher of the provisioned one)."""
    godot = native_godot()
    project = _project(tmp_path / "p")
    launcher = tmp_path / "my-godot"
    command = shlex.join(godot.command([], binds=[tmp_path], cwd=tmp_path))
    launcher.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(ENV_GODOT, str(launcher))
    found = find_native_godot()
    assert found is not None and found.origin == ENV_GODOT and found.root is None
    run = run_godot([FIXTURE_GLOB, "--agent=oracle"], project_dir=project, on_line=None)
    assert run.runtime == "native" and run.godot.endswith(f"({ENV_GODOT})")


def test_a_missing_benchgen_godot_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_GODOT, "/nowhere/godot")
    with pytest.raises(GodotError, match=r"BENCHGEN_GODOT=/nowhere/godot is not a file"):
        find_native_godot()


@pytest.mark.parametrize(
    ("text", "want"),
    [
        pytest.param("4.6.3.stable.debian4.6.3+ds-3", (4, 6), id="debian"),
        pytest.param("4.4.1.stable.official.49a5bc7b6", (4, 4), id="official"),
        pytest.param("3.2.3.stable", (3, 2), id="old"),
        pytest.param("", None, id="nothing"),
    ],
)
def test_parse_version(text: str, want: tuple[int, int] | None) -> None:
    assert parse_version(text) == want


def test_provisioning_a_complete_root_does_nothing(tmp_path: Path) -> None:
    """A root whose stamp is written (the last step) is taken as it is: no root needed."""
    root = tmp_path / "root"
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "godot").write_bytes(b"")
    (root / ROOT_STAMP).write_text("4.6.3.stable.debian4.6.3+ds-3\n", encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    started = time.monotonic()
    assert provision_root(root, on_line=lambda _line: None) == root
    assert time.monotonic() - started < 1.0
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
