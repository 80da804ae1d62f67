"""BenchgenLLMAgent in native Godot: it acts through a live backend and a scripted LLM.

``benchgen godot run --agent llm --config scripted`` starts a backend over the dataset, Godot's
LLM agent asks it (``POST /api/solve``) for a solution before every iteration, the backend asks
the scripted model behind a real OpenAI-compatible endpoint, checks and simulates the answer in
MuJoCo, and hands it back in Godot's frame; Godot runs it and feeds its own outcome back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchgen.eval.scripted_llm import ScriptedEndpoint, feedback_policy
from benchgen.godot.runtime import default_project_dir

pytestmark = [pytest.mark.godot, pytest.mark.slow]

REPO = default_project_dir()


@pytest.fixture(scope="module")
def dataset() -> Iterator[Path]:
    """Two promoted push_to_goal scenarios with Godot scenes, inside the Godot project."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    out = REPO / "out" / f"test-llm-agent-{os.getpid()}"
    family, promoted = get_family("push_to_goal"), 0
    for seed in range(100, 130):
        promoted += build_scenario(family, seed, out_root=out).status == "promoted"
        if promoted == 2:
            break
    assert promoted == 2
    yield out
    shutil.rmtree(out, ignore_errors=True)


def test_the_llm_agent_solves_in_native_godot_through_the_backend(
    dataset: Path, tmp_path: Path
) -> None:
    results = tmp_path / "results.json"
    with ScriptedEndpoint(policy=feedback_policy) as endpoint:
        config = tmp_path / "llm_configs.yaml"
        config.write_text(f"configs:\n  scripted: {{base_url: '{endpoint.url}', model: s}}\n")
        env = {**os.environ, "BENCHGEN_LLM_CONFIG": str(config), "COLUMNS": "200"}
        run = subprocess.run(
            [sys.executable, "-m", "benchgen.cli", "godot", "run", "--agent", "llm",
             "--config", "scripted", "--dataset", str(dataset), "--runtime", "native",
             "--project", str(REPO), "--scenarios", f"{dataset}/*/*/godot/scene.tscn",
             "--iterations", "3", "--out", str(results)],
            env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        requests = list(endpoint.requests)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "SCRIPT ERROR" not in run.stdout + run.stderr
    report = json.loads(results.read_text())
    attempts = report["attempts"]
    assert report["agent"] == "llm" and report["solver"]["config"] == "scripted"
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 1, 2, 3]
    for entry in attempts:
        assert entry["error"] is None and entry["solution"]["push"]["velocity"]
        assert entry["mujoco"]["reason"] in (None, "TIMEOUT", "FLY_THROUGH", "FORBID_ZONE_HIT")
        assert entry["godot"]["detail"].startswith("in Godot") and entry["godot"]["final_position"]
    # The same solution, the same outcome in both engines; and the agent improves on feedback.
    assert report["agreement"] == {"attempts": 6, "compared": 6, "same_outcome": 6}
    assert all(entry["agree"] is True for entry in attempts)
    for scene in report["scenarios"]:
        assert scene["successes"] >= 1 and scene["iterations"][0]["outcome"] == "failure"
    # Each later request carries what Godot saw: the tool result of the last call.
    assert len(requests) == 6
    told = requests[1]["messages"][-1]
    assert told["role"] == "tool" and "in Godot (Jolt Physics)" in told["content"]
    assert "ended at [" in told["content"]
    assert "mujoco/godot agreement: 6 of 6 simulated attempts" in run.stdout + run.stderr
    table = [line for line in (run.stdout + run.stderr).splitlines() if "scene.tscn" in line]
    assert len(table) >= 2  # the results table, one row per scenario
