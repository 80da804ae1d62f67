"""Whole runs of the agent graph, driven by a scripted model, with the real sandbox and gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchgen.agent.graph import AgentEvent, AgentSettings
from benchgen.agent.reviews import parse_review
from benchgen.agent.runner import RUNS_DIR, run_agent
from benchgen.agent.scripted import ScriptedModel, call, calls, raw_call, say
from benchgen.agent.skills import builtin_skill_dir
from benchgen.errors import AgentError
from benchgen.sandbox import SandboxLimits

pytestmark = pytest.mark.slow  # whole agent runs, every script in the sandbox

REPO = Path(__file__).resolve().parents[3]
SKILLS = builtin_skill_dir()
LIMITS = SandboxLimits(timeout_s=120, cpu_s=120, memory_mb=4096)
FAST = AgentSettings(renders=False, godot=False, sandbox=LIMITS)


@pytest.fixture(autouse=True)
def _needs_bwrap(bwrap: str) -> str:
    return bwrap  # these tests run agent code in the sandbox


SLIDE = '''"""slope_slide: a cube on a sloping table; one push curves it into the goal."""

from __future__ import annotations

from benchgen.families.base import ranged
from benchgen.families.push_to_goal import PushParams, PushToGoal

SINK = 0.01  # how far the cube starts inside the table top (m)
SPEED_FACTOR = 1.0


class SlideParams(PushParams):
    tilt_deg: float = ranged(9.0, spread=0.05, description="slope of the table (deg)")
    goal_offset: float = ranged(0.15, spread=0.05, description="goal up the slope (m)")
    goal_distance: float = ranged(0.5, spread=0.05, description="cube to goal (m)")
    goal_size: float = ranged(0.14, spread=0.05, description="side of the goal (m)")
    grip: float = ranged(2.0, spread=0.05, description="friction over tan of the slope")


class SlopeSlide(PushToGoal):
    name = "slope_slide"
    description = "TODO"
    Params = SlideParams

    def layout(self, params):
        layout = super().layout(params)
        start = layout.moved_object.start_pose
        start.pos = [start.pos[0], start.pos[1], start.pos[2] - SINK]
        push = layout.reference_solution.push
        push.velocity = [SPEED_FACTOR * v for v in push.velocity]
        return layout


FAMILY = SlopeSlide
'''
PLAN = "# Plan\n\nA cube on a sloping table, a goal up the slope, one push.\n"
TODO = "- [ ] write script.py\n- [ ] validate\n- [ ] simulate\n"
REJECT = (
    "---\ndecision: rejected\ncomments:\n  - The family description is still TODO.\n---\n\n"
    "Describe the scene."
)
APPROVE = "---\ndecision: approved\ncomments: []\n---\n\nGood."
SKILL = (
    "---\nname: leave-gaps-between-parts\ndescription: Float static parts 0.5 mm apart so "
    "validate finds no intersection.\n---\n\n- Put a wall's base 0.5 mm above the floor.\n"
)


def _planner() -> list[Any]:
    return [
        calls(
            call("write", path="plan.md", content=PLAN),
            call("write", path="todo.md", content=TODO),
            text="I will plan a cube sliding into a goal.",
        ),
        say("Planned: cube, goal, wall."),
    ]


def _run(
    tmp_path: Path,
    turns: list[Any],
    *,
    run_id: str,
    settings: AgentSettings = FAST,
    vision: bool = False,
    events: list[AgentEvent] | None = None,
) -> tuple[Any, ScriptedModel]:
    model = ScriptedModel(turns, vision=vision)
    result = run_agent(
        "A cube on a sloping table must be pushed to rest in a goal.",
        tmp_path / "out",
        model=model,
        run_id=run_id,
        settings=settings,
        skill_dirs=[SKILLS],
        learned_dir=tmp_path / "learned",
        on_event=(events.append if events is not None else None),
    )
    return result, model


def _tool_results(model: ScriptedModel) -> list[str]:
    return (
        [m["content"] for m in model.requests[-1] if m["role"] == "tool"] if model.requests else []
    )


def _all_texts(model: ScriptedModel) -> str:
    return "\n".join(json.dumps(r) for r in model.requests)


def test_plan_code_fix_review_promote(tmp_path: Path) -> None:
    from benchgen.pipeline import reverify_folder

    fixed = "SINK = 0.0"
    turns = [
        *_planner(),
        call("write", path="script.py", content=SLIDE, text="I will write the first version."),
        call("validate"),
        call(
            "edit",
            path="script.py",
            old="SINK = 0.01",
            new=fixed,
            text="The wall cuts the floor.",
        ),
        call("simulate", seed=0),
        calls(
            call("edit", path="todo.md", old="- [ ] validate", new="- [x] validate"),
            call("submit_for_review"),
        ),
        say("---\ndecision: maybe\n---\n"),  # malformed: not approved|rejected
        call("write_review", review=REJECT),
        call(
            "edit",
            path="script.py",
            old='description = "TODO"',
            new='description = "A cube on a sloping table curves into the goal."',
        ),
        call("submit_for_review"),
        call("write_review", review=APPROVE),
        say(SKILL),
    ]
    events: list[AgentEvent] = []
    result, model = _run(tmp_path, turns, run_id="full", events=events)

    assert result.status == "promoted", result.failure
    assert model.remaining == 0
    ws = Path(result.workspace)
    texts = _all_texts(model)
    assert "INTERSECTION moved_object and table" in texts  # the failed validation reached the Coder
    assert "all checks passed" in texts  # and so did the simulation after the fix
    assert (
        "ERROR: the review's front matter is invalid" in texts
    )  # the malformed review was fed back
    assert "The family description is still TODO" in texts  # the rejection reached the Coder
    decisions = [
        parse_review((ws / f"reviews/{n}.md").read_text())[0].decision for n in ("001", "002")
    ]
    assert decisions == ["rejected", "approved"]
    assert result.reviews == ["reviews/001.md", "reviews/002.md"]

    folder = Path(result.promoted_folder or "")
    assert folder == tmp_path / "out" / "slope_slide" / result.scenario_id
    spec = json.loads((folder / "scenario.json").read_text())
    assert spec["verification"]["promoted"] is True
    assert "A cube on a sloping table" in (folder / "script.py").read_text()
    assert reverify_folder(folder).ok  # hashes, trials and a byte-identical rebuild from script.py

    journal = (ws / "journal.md").read_text()
    steps = [line for line in journal.splitlines() if line.startswith("## ")]
    assert steps == [
        "## 1. planner",
        "## 2. coder (iteration 1)",
        "## 3. reviewer (iteration 1)",
        "## 4. coder (iteration 2)",
        "## 5. reviewer (iteration 2)",
        "## 6. promote",
        "## 7. learner",
    ]
    assert (
        journal.count("### Intent")
        == journal.count("### Result")
        == journal.count("### Reflection")
        == 7
    )
    assert "- [x] validate" in (ws / "todo.md").read_text()
    assert (tmp_path / "learned" / "leave-gaps-between-parts" / "SKILL.md").is_file()

    trace = [json.loads(line) for line in (ws / "trace.jsonl").read_text().splitlines()]
    model_calls = [e for e in trace if e["kind"] == "model_call"]
    tools = [e["tool"] for e in trace if e["kind"] == "tool_call"]
    assert len(model_calls) == 13 and all("duration_s" in e and "usage" in e for e in model_calls)
    assert {
        "write",
        "validate",
        "edit",
        "simulate",
        "submit_for_review",
        "write_review",
        "promote",
    } <= set(tools)
    assert result.usage.calls == 13 and result.usage.total_tokens > 0
    assert any(e.kind == "finished" and e.message == "promoted" for e in events)
    assert (ws / "skills/family-contract/SKILL.md").is_file()


def test_approval_never_bypasses_the_gate(tmp_path: Path) -> None:
    unsolvable = SLIDE.replace("SINK = 0.01", "SINK = 0.0").replace(
        "SPEED_FACTOR = 1.0", "SPEED_FACTOR = 0.3"
    )
    turns = [
        *_planner(),
        call("write", path="script.py", content=unsolvable),
        call("submit_for_review"),
        call("write_review", review=APPROVE),
        say("NONE"),
    ]
    settings = FAST.model_copy(update={"max_iterations": 1})
    result, _ = _run(tmp_path, turns, run_id="gate", settings=settings)

    assert result.status == "failed"
    assert result.reasons == ["UNSOLVED"]
    assert "verify gate rejected" in result.failure
    assert not (tmp_path / "out" / "slope_slide").exists()


def test_max_iterations_records_failure_with_journal(tmp_path: Path) -> None:
    rounds = []
    for n in (1, 2):
        rounds += [
            call("write", path="script.py", content=SLIDE + f"\n# round {n}\n", text=f"Round {n}."),
            call("submit_for_review"),
            call("write_review", review=REJECT),
        ]
    result, model = _run(
        tmp_path,
        [*_planner(), *rounds, say("NONE")],
        run_id="maxit",
        settings=FAST.model_copy(update={"max_iterations": 2}),
    )

    assert result.status == "failed" and result.reasons == ["REVIEW_REJECTED"]
    assert "--max-iterations 2" in result.failure
    assert result.iterations == 2 and model.remaining == 0
    ws = Path(result.workspace)
    journal = (ws / "journal.md").read_text()
    steps = [line for line in journal.splitlines() if line.startswith("## ")]
    assert len(steps) == 6 and journal.count("### Reflection") == 6
    assert "The family description is still TODO." in journal
    run = json.loads((ws / "run.json").read_text())
    assert run["status"] == "failed"
    assert not (tmp_path / "out" / "slope_slide").exists()


def test_coder_out_of_turns_fails_after_last_round(tmp_path: Path) -> None:
    settings = FAST.model_copy(update={"max_iterations": 2, "coder_turns": 2})
    turns = [
        *_planner(),
        say("thinking"),
        say("still thinking"),
        say("more"),
        say("done?"),
        say("NONE"),
    ]
    result, model = _run(tmp_path, turns, run_id="turns", settings=settings)

    assert result.status == "failed" and result.reasons == ["MAX_ITERATIONS"]
    assert "call submit_for_review" in _all_texts(model)
    assert "without submit_for_review" in _all_texts(model)


def _png(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (40, 160, 60)).save(path)


def test_malformed_model_output_is_fed_back(tmp_path: Path) -> None:
    sheet = tmp_path / "out" / RUNS_DIR / "bad" / "renders/images/contact_sheet.png"

    def draw_render(_: list[dict[str, Any]]) -> Any:
        _png(sheet)
        return call("write", path="script.py", content=SLIDE)

    turns = [
        *_planner(),
        call("frobnicate", path="x"),
        raw_call("write", '{"path": "script.py", "content": '),
        call("write", path="script.py"),
        call("write", path="../escape.py", content="x"),
        call("write", path="plan.md", content="mine now"),
        call("write", path="utils/tools.py", content="x"),
        call("submit_for_review"),  # script.py is still empty
        draw_render,
        call("submit_for_review"),
        call("write_review", review="looks fine to me"),
        call("write_review", review="---\ndecision: [unclosed\n---\n"),
        call("write_review"),
        call("write_review", review=REJECT),
        say("NONE"),
    ]
    result, model = _run(
        tmp_path,
        turns,
        run_id="bad",
        vision=True,
        settings=FAST.model_copy(update={"max_iterations": 1}),
    )

    assert result.status == "failed" and model.remaining == 0
    texts = _all_texts(model)
    for expected in (
        "there is no tool 'frobnicate'; the coder can call: edit, execute, get_docs_for, ls, read",
        "the arguments of write are not valid JSON",
        "write needs the argument(s) content",
        "'../escape.py' is outside the workspace",
        "'plan.md' is read-only for the coder",
        "'utils/tools.py' is read-only for the coder",
        "script.py is empty",
        "the review is malformed: the text must start with a '---' line",
        "the front matter is not valid YAML",
        "write_review needs the argument(s) review",
    ):
        assert expected in texts, expected
    ws = Path(result.workspace)
    assert not (tmp_path / "out" / RUNS_DIR / "escape.py").exists()
    assert (ws / "plan.md").read_text() == PLAN
    reviewer_request = next(
        r for r in model.requests if r[0]["content"].startswith("You are the Reviewer")
    )
    parts = reviewer_request[1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert "No simulation was run" in parts[0]["text"]


def test_interrupted_run_resumes_from_checkpoint(tmp_path: Path) -> None:
    def crash(_: list[dict[str, Any]]) -> Any:
        raise AgentError("connection reset by the endpoint")

    with pytest.raises(AgentError, match="resume it with --run-id resume"):
        _run(tmp_path, [*_planner(), crash], run_id="resume")

    turns = [
        call("write", path="script.py", content=SLIDE),
        call("submit_for_review"),
        call("write_review", review=REJECT),
        say("NONE"),
    ]
    model = ScriptedModel(turns)
    result = run_agent(
        None,
        tmp_path / "out",
        model=model,
        run_id="resume",
        settings=FAST.model_copy(update={"max_iterations": 1}),
        skill_dirs=[SKILLS],
        learned_dir=tmp_path / "learned",
    )

    assert model.requests[0][0]["content"].startswith(
        "You are the Coder"
    )  # the Planner did not run again
    assert result.status == "failed" and result.reasons == ["REVIEW_REJECTED"]
    journal = Path(result.workspace, "journal.md").read_text()
    assert journal.count("planner") == 1
    again = run_agent(
        None,
        tmp_path / "out",
        model=ScriptedModel([]),
        run_id="resume",
        skill_dirs=[SKILLS],
        learned_dir=tmp_path / "learned",
    )
    assert again.status == "failed" and again.reviews == result.reviews  # finished: nothing re-run


def test_execute_runs_in_the_sandbox_and_read_only_files_survive(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("root only")
    secret.chmod(0o600)
    probe = (
        "import os, socket\n"
        "print('uid', os.getuid())\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); print('net yes')\n"
        "except OSError:\n    print('net no')\n"
        "attacks = [\n"
        "    lambda: os.chmod('utils', 0o755),\n"
        "    lambda: os.chmod('skills', 0o755),\n"
        "    lambda: open('utils/tools.py', 'w').write('hijacked'),\n"
        "    lambda: open('plan.md', 'w').write('hijacked'),\n"
        "    lambda: os.unlink('plan.md'),\n"
        "    lambda: os.rename('utils', 'gone'),\n"
        "]\n"
        "for attack in attacks:\n"
        "    try:\n        attack(); print('attack worked')\n"
        "    except OSError:\n        print('attack refused')\n"
        f"os.symlink({str(secret)!r}, 'renders/leak.txt')\n"
    )
    turns = [
        *_planner(),
        call("write", path="probe.py", content=probe),
        call("execute", path="probe.py"),
        say("probed"),
        say("again"),
        say("NONE"),
    ]
    settings = FAST.model_copy(update={"max_iterations": 1, "coder_turns": 4})
    result, model = _run(tmp_path, turns, run_id="probe", settings=settings)

    output = next(
        t
        for r in model.requests
        for m in r
        if m["role"] == "tool" and "exit code" in (t := m["content"])
    )
    assert "exit code 0" in output and "net no" in output and "uid 0" not in output
    assert output.count("attack refused") == 6 and "attack worked" not in output
    assert "not copied back from the sandbox" in output and "renders/leak.txt" in output
    ws = Path(result.workspace)
    assert (ws / "plan.md").read_text() == PLAN
    assert "from benchgen.agent.tools import" in (ws / "utils/tools.py").read_text()
    assert not (ws / "utils").stat().st_mode & 0o222
    assert not (ws / "renders" / "leak.txt").exists()
    assert secret.read_text() == "root only"


def test_host_recheck_catches_a_forged_staged_folder(tmp_path: Path) -> None:
    from benchgen.agent.promote import _host_checks
    from benchgen.families import get_family
    from benchgen.pipeline.build import build_scenario
    from benchgen.spec.folder import file_hashes
    from benchgen.spec.io import dump_spec, load_spec

    family, seed = get_family("push_to_goal"), 2
    outcome = build_scenario(family, seed, out_root=tmp_path, godot=False)
    assert outcome.status == "promoted", outcome.detail
    staged = Path(outcome.folder or "")
    assert _host_checks(staged) == []
    # Sandboxed code removes the forbidden strips from the model and re-hashes the folder.
    model = staged / "model.xml"
    model.write_text(model.read_text().replace('name="zone_forbid_0"', 'name="zone_gone_0"'))
    spec = load_spec(staged)
    spec.files = file_hashes(staged)
    (staged / "scenario.json").write_text(dump_spec(spec))
    problems = _host_checks(staged)
    assert any("model.xml differs from what benchgen builds" in p for p in problems), problems
