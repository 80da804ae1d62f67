"""MuJoCo/Godot agreement: every scenario run in Godot with the null and the oracle agent.

MuJoCo promoted a scenario because no action fails and the reference solution succeeds.
Godot must agree: the null agent fails and the oracle (which replays the same reference
solution) succeeds. A scenario on which the engines disagree is flagged with the reason.
One Godot start runs every scenario for each agent (a start of the web runtime costs 5-7 s).
"""

from __future__ import annotations

from pathlib import Path

from benchgen.errors import GodotError
from benchgen.godot.runtime import default_project_dir, run_godot
from benchgen.spec.models import FailureReason, VerificationCheck
from benchgen.verify.folder import FolderReport

__all__ = ["crosscheck"]

_EXPECTED = {"oracle": "success", "null": "failure"}


def _res_path(scene: Path, project: Path) -> str | None:
    try:
        return "res://" + scene.resolve().relative_to(project).as_posix()
    except ValueError:
        return None


def _outcomes(pattern: str, agent: str, project: Path) -> dict[str, list[dict]]:
    run = run_godot(
        [f"--scenarios={pattern}", f"--agent={agent}", "--iterations=1"],
        project_dir=project,
        on_line=None,
    )
    if run.results is None:
        raise GodotError(f"Godot printed no results for the {agent} agent")
    return {s["scene"]: s["iterations"] for s in run.results["scenarios"]}


def _agreement(scene: str | None, runs: dict[str, dict[str, list[dict]]]) -> VerificationCheck:
    if scene is None:
        return VerificationCheck(
            name="godot_agreement",
            passed=False,
            reason=FailureReason.ENGINE_DISAGREEMENT,
            detail="not checked: outside the Godot project (put the dataset under scenarios/)",
        )
    problems = []
    for agent, expected in _EXPECTED.items():
        iterations = runs[agent].get(scene)
        if not iterations:
            problems.append(f"Godot did not run it with the {agent} agent")
            continue
        got = iterations[0]
        if got["outcome"] != expected:
            problems.append(
                f"{agent} agent: MuJoCo {expected}, Godot {got['outcome']} ({got['reason']})"
            )
    if problems:
        return VerificationCheck(
            name="godot_agreement",
            passed=False,
            reason=FailureReason.ENGINE_DISAGREEMENT,
            detail="; ".join(problems),
        )
    return VerificationCheck(name="godot_agreement", passed=True)


def crosscheck(
    root: Path, reports: list[FolderReport], *, project: Path | None = None
) -> list[FolderReport]:
    """Run every scenario under ``root`` in Godot and add a ``godot_agreement`` check.

    Args:
        root: the dataset folder (inside the Godot project, e.g. ``scenarios/``).
        reports: the MuJoCo re-verification of each scenario folder under ``root``.
        project: the Godot project (default: the benchgen repository).

    Returns:
        The reports, each with a ``godot_agreement`` check appended.

    Raises:
        GodotError: Godot could not be started or reported a script error.
    """
    project = (project or default_project_dir()).resolve()
    root_res = _res_path(root, project)
    runs: dict[str, dict[str, list[dict]]] = {}
    if root_res is not None:
        pattern = f"{root_res.rstrip('/')}/*godot/scene.tscn"
        runs = {agent: _outcomes(pattern, agent, project) for agent in _EXPECTED}
    checked = []
    for report in reports:
        scene = _res_path(Path(report.folder) / "godot" / "scene.tscn", project)
        check = _agreement(scene if root_res is not None else None, runs)
        checks = [*report.checks, check]
        checked.append(
            report.model_copy(update={"checks": checks, "ok": report.ok and check.passed})
        )
    return checked
