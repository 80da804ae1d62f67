"""The Godot side in real Godot 4 runtimes: the native debug build on both physics engines,
and the web template.

Each runtime starts once for the whole session: it runs the GDScript tests in
tests/godot/test_*.gd, then the hand-written fixture with the oracle agent. The native
build prints every engine and script error and warning (the web template prints none),
and any such line fails the session: the zero-warnings policy.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from benchgen.errors import GodotError
from benchgen.godot._pack import class_cache_text, collect_files, scenario_glob, write_pack
from benchgen.godot.native import find_native_godot
from benchgen.godot.runtime import PHYSICS_ENGINES, GodotRun, default_project_dir, run_godot

pytestmark = pytest.mark.godot

REPO = default_project_dir()
FIXTURE = "res://tests/godot/fixtures/ball_to_goal.tscn"
_TEST_LINE = re.compile(r"^BENCHGEN_TEST (PASS|FAIL) (\S+::\w+):? ?(.*)$")


#: Each session: (runtime, physics engine).
SESSIONS = [
    pytest.param(("native", "jolt"), id="native-jolt"),
    pytest.param(("native", "godot"), id="native-godotphysics"),
    pytest.param(("web", "jolt"), id="web-jolt"),
]


@pytest.fixture(scope="session", params=SESSIONS)
def godot_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[GodotRun, Path]:
    """Start Godot once: the GDScript tests, then the fixture with the oracle agent."""
    runtime, engine = request.param
    if runtime == "native" and find_native_godot() is None:
        pytest.fail(
            "no native Godot 4: run scripts/setup.sh as root (it provisions one) or set "
            "BENCHGEN_GODOT; CI runs every Godot test natively"
        )
    out = tmp_path_factory.mktemp("godot") / "results.json"
    args = [
        "--tests",
        "--scenarios=tests/godot/fixtures/*.tscn",
        "--agent=oracle",
        "--iterations=3",
        f"--out={out}",
    ]
    run = run_godot(
        args,
        project_dir=REPO,
        on_line=None,
        timeout_s=300,
        check=False,
        runtime=runtime,
        physics_engine=engine,
    )
    assert run.runtime == runtime
    assert run.results is not None and run.results["physics_engine"] == PHYSICS_ENGINES[engine]
    return run, out


def _gdscript_tests(run: GodotRun) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for line in run.lines:
        match = _TEST_LINE.match(line)
        if match:
            found[match.group(2)] = (match.group(1), match.group(3).strip())
    return found


def _gd_test_names() -> list[str]:
    """Read the test names from the GDScript files, so each is its own pytest case."""
    names = []
    for path in sorted((REPO / "tests" / "godot").glob("test_*.gd")):
        if path.name in ("test_runner.gd", "test_case.gd"):
            continue
        for func in re.findall(r"^func (test_\w+)\(", path.read_text(encoding="utf-8"), re.M):
            names.append(f"{path.name}::{func}")
    return names


def test_godot_run_exits_cleanly(godot_session: tuple[GodotRun, Path]) -> None:
    run, _ = godot_session
    errors = [line for line in run.lines if "SCRIPT ERROR" in line or "Parse Error" in line]
    assert errors == []
    assert run.exit_code == 0, "\n".join(run.lines[-30:])


def test_no_error_or_warning_lines(godot_session: tuple[GodotRun, Path]) -> None:
    """Zero warnings: the debug build prints every ERROR / WARNING; none may appear."""
    run, _ = godot_session
    assert run.problems == [], "\n".join(run.problems)


@pytest.mark.parametrize("name", _gd_test_names())
def test_gdscript(godot_session: tuple[GodotRun, Path], name: str) -> None:
    results = _gdscript_tests(godot_session[0])
    assert name in results, f"{name} did not run; last lines: {godot_session[0].lines[-5:]}"
    status, detail = results[name]
    assert status == "PASS", detail


def test_gdscript_summary_counts_every_test(godot_session: tuple[GodotRun, Path]) -> None:
    summary = [line for line in godot_session[0].lines if line.startswith("BENCHGEN_TESTS ")]
    assert summary == [f"BENCHGEN_TESTS passed={len(_gd_test_names())} failed=0"]


def test_oracle_run_writes_results(godot_session: tuple[GodotRun, Path]) -> None:
    run, out = godot_session
    written: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert written == run.results
    assert set(written) == {"godot_version", "physics_engine", "agent", "scenarios"}
    assert written["physics_engine"] in PHYSICS_ENGINES.values()
    assert written["godot_version"].startswith("4.")
    assert written["agent"] == "oracle"
    (scenario,) = written["scenarios"]
    assert scenario["scene"] == FIXTURE
    assert (scenario["successes"], scenario["failures"], scenario["errors"]) == (3, 0, 0)
    for record in scenario["iterations"]:
        assert set(record) == {"outcome", "reason", "time_s", "entered_s", "won_s"}
        assert record["outcome"] == "success" and record["reason"] is None
        assert 0.3 < record["time_s"] < 2.0
        assert record["won_s"] == record["time_s"] and record["entered_s"] <= record["won_s"]
    assert len({r["time_s"] for r in scenario["iterations"]}) == 1, "iterations differ"


def test_results_table_is_printed(godot_session: tuple[GodotRun, Path]) -> None:
    table = [line for line in godot_session[0].lines if line.startswith(FIXTURE)]
    assert len(table) == 1 and table[0].split()[1:4] == ["3", "0", "0"]


# Packing for the web runtime (no Godot start needed).


def test_pack_holds_what_the_run_needs(tmp_path: Path) -> None:
    args = ["--scenarios=tests/godot/fixtures/*.tscn"]
    files = write_pack(REPO, args, tmp_path / "game.zip")
    names = set(zipfile.ZipFile(tmp_path / "game.zip").namelist())
    assert {
        "project.godot",
        "benchmarking/benchmarker.tscn",
        "prefabs/goal_zone.tscn",
        "addons/benchgen/runtime/scenario_manager.gd",
        "tests/godot/fixtures/ball_to_goal.tscn",
        ".godot/global_script_class_cache.cfg",
    } <= names
    assert "tests/godot/test_runner.gd" not in names  # only with --tests
    assert not any(n.startswith(("python/", ".venv/", ".cache/")) for n in names)
    assert len(files) == len(names) - 1


def test_class_cache_lists_every_class_name() -> None:
    files = collect_files(REPO, ["--tests"])
    text = class_cache_text(REPO, files)
    for name in (
        "BenchgenScenarioManager",
        "BenchgenGoalZone",
        "BenchgenForbidZone",
        "BenchgenBuildZone",
        "BenchgenReferenceSolution",
        "BenchgenScenarioSwitcher",
        "BenchgenBenchmarkRunner",
        "BenchgenRunArgs",
        "BenchgenAgentPolicy",
    ):
        assert f'"class": &"{name}"' in text
    assert '"base": &"Area3D",\n"class": &"BenchgenGoalZone"' in text


def test_main_scene_can_be_overridden(tmp_path: Path) -> None:
    write_pack(REPO, [], tmp_path / "game.zip", main_scene="res://other.tscn")
    text = zipfile.ZipFile(tmp_path / "game.zip").read("project.godot").decode()
    assert 'run/main_scene="res://other.tscn"' in text


@pytest.mark.parametrize(
    ("args", "want"),
    [
        pytest.param(["--scenarios=scenarios/*"], "res://scenarios/*", id="relative"),
        pytest.param(["--scenarios=res://a/*.tscn"], "res://a/*.tscn", id="res"),
        pytest.param(["--agent=null"], None, id="absent"),
    ],
)
def test_scenario_glob(args: list[str], want: str | None) -> None:
    assert scenario_glob(args) == want


def test_missing_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GodotError, match=r"no project\.godot"):
        run_godot([], project_dir=tmp_path, runtime="web", on_line=None)
