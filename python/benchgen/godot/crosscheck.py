"""MuJoCo/Godot agreement: every scenario run in Godot with the null and the oracle agent.

MuJoCo promoted a scenario because no action fails and the reference solution succeeds.
Godot must agree on each physics engine it is checked on (Jolt, the engine the exporter
tunes friction for, and GodotPhysics3D, the default of a project that does not choose):
the null agent fails and the oracle (which replays the same reference solution)
succeeds. Each engine gives one ``godot_agreement[<engine>]`` check per scenario, with
the reason when they disagree. One Godot start runs every scenario for each agent and
engine.

Only the *required* engines decide whether a scenario passes: by default Jolt, the engine
project.godot selects and the exporter tunes contacts for. Checked but not required (the
default for GodotPhysics3D), a disagreement is reported and counted, not a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from benchgen.errors import GodotError
from benchgen.godot.runtime import (
    PHYSICS_ENGINES,
    default_project_dir,
    physics_engine_name,
    run_godot,
)
from benchgen.spec.models import FailureReason, VerificationCheck
from benchgen.verify.folder import FolderReport

__all__ = [
    "DEFAULT_ENGINES",
    "REQUIRED_ENGINES",
    "EngineAgreement",
    "agreement_by_engine",
    "crosscheck",
    "required_checks_passed",
    "required_engines",
]

_EXPECTED = {"oracle": "success", "null": "failure"}
#: The engines checked when none are named.
DEFAULT_ENGINES = tuple(PHYSICS_ENGINES)
#: The engines whose agreement a scenario needs when none are named: the project's Jolt.
REQUIRED_ENGINES = ("jolt",)
_CHECK = "godot_agreement"


class EngineAgreement(BaseModel):
    """How many scenarios one physics engine agreed with MuJoCo on."""

    engine: str
    agreed: int
    checked: int


def _check_name(engine: str) -> str:
    return f"{_CHECK}[{engine}]"


def _res_path(scene: Path, project: Path) -> str | None:
    try:
        return "res://" + scene.resolve().relative_to(project).as_posix()
    except ValueError:
        return None


def _outcomes(
    pattern: str, agent: str, project: Path, engine: str, processes: int
) -> dict[str, list[dict]]:
    run = run_godot(
        [f"--scenarios={pattern}", f"--agent={agent}", "--iterations=1"],
        project_dir=project,
        on_line=None,
        physics_engine=engine,
        processes=processes,
    )
    if run.results is None:
        raise GodotError(f"Godot printed no results for the {agent} agent on {engine}")
    return {s["scene"]: s["iterations"] for s in run.results["scenarios"]}


def _agreement(
    scene: str | None, engine: str, runs: dict[str, dict[str, list[dict]]]
) -> VerificationCheck:
    name = _check_name(engine)
    if scene is None:
        return VerificationCheck(
            name=name,
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
            name=name,
            passed=False,
            reason=FailureReason.ENGINE_DISAGREEMENT,
            detail=f"{engine}: " + "; ".join(problems),
        )
    return VerificationCheck(name=name, passed=True)


def crosscheck(
    root: Path,
    reports: list[FolderReport],
    *,
    project: Path | None = None,
    engines: Sequence[str] | None = None,
    processes: int = 1,
) -> list[FolderReport]:
    """Run every scenario under ``root`` in Godot and add a check per physics engine.

    Args:
        root: the dataset folder (inside the Godot project, e.g. ``scenarios/``).
        reports: the MuJoCo re-verification of each scenario folder under ``root``.
        project: the Godot project (default: :func:`default_project_dir`).
        engines: the 3D engines to check on (``jolt``, ``godot`` or Godot's names), each
            of them required; none named: :data:`DEFAULT_ENGINES`, of which only
            :data:`REQUIRED_ENGINES` are required (:func:`required_engines`).
        processes: native Godot processes each run's scenes are split over.

    Returns:
        The reports, each with one ``godot_agreement[<engine>]`` check per engine; a
        report stays ok only when every required engine agreed.

    Raises:
        GodotError: Godot could not be started, reported a script error, or an engine
            name is unknown.
    """
    project = (project or default_project_dir()).resolve()
    names = [physics_engine_name(e) for e in engines or DEFAULT_ENGINES]
    needed = required_engines(engines)
    root_res = _res_path(root, project)
    runs: dict[str, dict[str, dict[str, list[dict]]]] = {}
    if root_res is not None:
        pattern = f"{root_res.rstrip('/')}/*godot/scene.tscn"
        runs = {
            engine: {
                agent: _outcomes(pattern, agent, project, engine, processes) for agent in _EXPECTED
            }
            for engine in names
        }
    checked = []
    for report in reports:
        scene = _res_path(Path(report.folder) / "godot" / "scene.tscn", project)
        found = [
            _agreement(scene if root_res is not None else None, engine, runs.get(engine, {}))
            for engine in names
        ]
        ok = report.ok and required_checks_passed(found, needed)
        checked.append(report.model_copy(update={"checks": [*report.checks, *found], "ok": ok}))
    return checked


def required_engines(engines: Sequence[str] | None) -> set[str]:
    """Return Godot's names of the engines whose agreement a scenario needs.

    Args:
        engines: the engines named for the check; none: :data:`REQUIRED_ENGINES`.
    """
    return {physics_engine_name(e) for e in engines or REQUIRED_ENGINES}


def required_checks_passed(checks: Sequence[VerificationCheck], required: set[str]) -> bool:
    """Return whether every ``godot_agreement`` check of a required engine passed.

    Args:
        checks: a scenario's checks (others than ``godot_agreement[...]`` are ignored).
        required: Godot's names of the engines whose agreement is needed.
    """
    return all(check.passed for check in checks if check.name in {_check_name(e) for e in required})


def agreement_by_engine(reports: Sequence[FolderReport]) -> list[EngineAgreement]:
    """Return, per engine checked, how many scenarios agreed with MuJoCo."""
    counts: dict[str, list[int]] = {}
    for report in reports:
        for check in report.checks:
            if check.name.startswith(f"{_CHECK}[") and check.name.endswith("]"):
                engine = check.name[len(_CHECK) + 1 : -1]
                pair = counts.setdefault(engine, [0, 0])
                pair[0] += int(check.passed)
                pair[1] += 1
    return [EngineAgreement(engine=e, agreed=a, checked=n) for e, (a, n) in counts.items()]
