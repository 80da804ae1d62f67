"""The tools of the generator spec (§3.4), importable from the agent's own code.

They run inside the sandbox, with the workspace as the working directory::

    from benchgen.agent.tools import validate, simulate, submit_for_review, get_docs_for

    report = validate("script.py")          # truthy when valid on every seed
    if report:
        result = simulate("script.py", seed=0)
        print(result.summary())
        submit_for_review("ready")

The agent host calls the same functions through ``utils/run_tool.py`` (:func:`main`)
in the sandbox, since they import and run the agent's family file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from benchgen.spec.models import TrialResult, VerificationCheck

__all__ = [
    "RESULT_MARKER",
    "SeedCheck",
    "SimulationReport",
    "ValidationReport",
    "get_docs_for",
    "main",
    "simulate",
    "submit_for_review",
    "validate",
]

RESULT_MARKER = "BENCHGEN_TOOL_RESULT "
SIMULATION_FILE = "renders/simulation.json"
SUBMISSION_FILE = "submission.json"
_SIM_DIR = ".sim"


def _error_text(exc: BaseException) -> str:
    """Return the last frames of a traceback, enough to locate the mistake."""
    lines = traceback.format_exception(exc)
    text = "".join(lines)
    return text if len(text) < 4000 else "...\n" + text[-4000:]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


class SeedCheck(BaseModel):
    """The static checks of one seed of the family."""

    seed: int
    scenario_id: str | None = None
    passed: bool
    checks: list[VerificationCheck] = Field(default_factory=list)
    error: str = ""


class ValidationReport(BaseModel):
    """validate(): geometry valid, no intersections, in bounds, on every seed tried."""

    ok: bool
    family: str | None = None
    script_sha256: str = ""
    seeds: list[SeedCheck] = Field(default_factory=list)
    error: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        """Return a short human-readable account of the checks."""
        if self.error:
            return f"validation FAILED: the family could not be loaded:\n{self.error}"
        lines = [f"validation {'passed' if self.ok else 'FAILED'} for {self.family}"]
        for s in self.seeds:
            failed = [f"{c.name}: {c.reason} {c.detail}" for c in s.checks if not c.passed]
            status = "ok" if s.passed else "; ".join(failed) or s.error
            lines.append(f"- seed {s.seed} ({s.scenario_id}): {status}")
        return "\n".join(lines)


class SimulationReport(BaseModel):
    """simulate(): the full promotion gate on one seed, its trials, and the renders."""

    ok: bool
    family: str | None = None
    seed: int = 0
    scenario_id: str | None = None
    script_sha256: str = ""
    checks: list[VerificationCheck] = Field(default_factory=list)
    trials: list[TrialResult] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    video: str | None = None
    error: str = ""

    def summary(self) -> str:
        """Return a short human-readable account of checks and trials."""
        if self.error and not self.checks:
            return f"simulation FAILED before the gate:\n{self.error}"
        lines = [
            f"simulation of {self.scenario_id}: {'all checks passed' if self.ok else 'FAILED'}"
        ]
        lines += [
            f"- {c.name}: {'ok' if c.passed else f'FAILED {c.reason} {c.detail}'}"
            for c in self.checks
        ]
        lines += [
            f"- trial {t.action}: {t.outcome} ({t.reason or 'no failure'}) "
            f"reached_goal={t.reached_goal} "
            f"at {t.sim_time_s} s, max speed {t.max_speed} m/s, settled={t.settled}"
            for t in self.trials
        ]
        if self.images:
            lines.append(f"- {len(self.images)} images in renders/images, video: {self.video}")
        if self.error:
            lines.append(f"- note: {self.error}")
        return "\n".join(lines)


def _load(family_file: str | Path) -> Any:
    from benchgen.families import load_family_file

    return load_family_file(Path(family_file))


def _seed_check(family: Any, seed: int) -> SeedCheck:
    """Sample, lay out, build and statically validate one seed."""
    from benchgen.cad.geometry import build_geometry
    from benchgen.verify.validate import validate_layout

    try:
        params = family.sample(seed)
        scenario_id = family.scenario_id(seed, params)
        layout = family.build(params)
        checks = validate_layout(layout, build_geometry(layout))
    except Exception as exc:
        return SeedCheck(seed=seed, passed=False, error=_error_text(exc))
    return SeedCheck(
        seed=seed, scenario_id=scenario_id, passed=all(c.passed for c in checks), checks=checks
    )


def validate(
    family_file: str | Path = "script.py", *, seeds: Sequence[int] = (0, 1, 2)
) -> ValidationReport:
    """Check the family's geometry on several seeds: valid solids, no intersections, in bounds.

    Returns:
        A report that is truthy only when every seed passed.
    """
    sha = _sha(Path(family_file))
    try:
        family = _load(family_file)
    except Exception as exc:
        return ValidationReport(ok=False, script_sha256=sha, error=_error_text(exc))
    results = [_seed_check(family, seed) for seed in seeds]
    return ValidationReport(
        ok=all(r.passed for r in results), family=family.name, script_sha256=sha, seeds=results
    )


def _render_into(spec: Any, folder: Path, report: SimulationReport) -> None:
    """Render views and a video of the built scenario and copy them to renders/."""
    from benchgen.pipeline.renders import render_folder

    rendered = render_folder(spec, folder)
    images = Path("renders/images")
    for stale in images.glob("*"):
        stale.unlink()
    for rel in [*rendered.images, rendered.sheet]:
        shutil.copy2(folder / rel, images / Path(rel).name)
        report.images.append((images / Path(rel).name).as_posix())
    if rendered.video:
        target = Path("renders/videos") / Path(rendered.video).name
        shutil.copy2(folder / rendered.video, target)
        report.video = target.as_posix()


def simulate(
    family_file: str | Path = "script.py", *, seed: int = 0, renders: bool = False
) -> SimulationReport:
    """Build one seed and run the promotion gate on it: validation, stability, trials.

    The report is also written to ``renders/simulation.json`` for the Reviewer.
    """
    from benchgen.pipeline.build import make_spec, write_scenario_files

    report = SimulationReport(ok=False, seed=seed, script_sha256=_sha(Path(family_file)))
    try:
        family = _load(family_file)
        report.family = family.name
        params = family.sample(seed)
        layout = family.build(params)
        spec = make_spec(family, seed, params, layout)
        report.scenario_id = spec.id
        folder = Path(_SIM_DIR) / spec.id
        shutil.rmtree(_SIM_DIR, ignore_errors=True)
        folder.mkdir(parents=True)
        verification = write_scenario_files(family, spec, layout, folder)
        report.checks, report.trials = verification.checks, verification.trials
        report.ok = verification.promoted
        if renders and (folder / "model.xml").is_file():
            try:
                _render_into(spec, folder, report)
            except Exception as exc:
                report.error = f"rendering failed: {exc}"
    except Exception as exc:
        report.error = _error_text(exc)
    Path(SIMULATION_FILE).parent.mkdir(parents=True, exist_ok=True)
    Path(SIMULATION_FILE).write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return report


def submit_for_review(notes: str = "", *, family_file: str | Path = "script.py") -> str:
    """Hand script.py over to the Reviewer (writes submission.json); return a confirmation."""
    record = {
        "script_sha256": _sha(Path(family_file)),
        "notes": notes,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    Path(SUBMISSION_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
    return f"submitted {family_file} for review"


def get_docs_for(name: str) -> str:
    """Return offline documentation for a build123d / mujoco / benchgen name or a topic."""
    from benchgen.agent.docs import docs_for

    return docs_for(name)


def _promote(
    family_file: str, *, seed: int, out: str, renders: bool, godot: bool
) -> dict[str, Any]:
    """Run the procedural build_scenario gate on the agent's family (used by the host)."""
    from benchgen.pipeline.build import build_scenario

    try:
        family = _load(family_file)
        outcome = build_scenario(family, seed, out_root=Path(out), renders=renders, godot=godot)
    except Exception as exc:
        return {"status": "error", "error": _error_text(exc)}
    return outcome.model_dump(mode="json")


def main(argv: Sequence[str]) -> int:
    """Run one tool and print ``BENCHGEN_TOOL_RESULT <json>`` as the last line."""
    parser = argparse.ArgumentParser(prog="run_tool.py")
    parser.add_argument("tool", choices=["validate", "simulate", "promote"])
    parser.add_argument("family_file")
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--renders", action="store_true")
    parser.add_argument("--godot", action="store_true")
    parser.add_argument("--out", default=".promote")
    args = parser.parse_args(list(argv))
    seeds = args.seed or [0]
    result: Any
    if args.tool == "validate":
        result = validate(args.family_file, seeds=seeds).model_dump(mode="json")
    elif args.tool == "simulate":
        result = simulate(args.family_file, seed=seeds[0], renders=args.renders).model_dump(
            mode="json"
        )
    else:
        result = _promote(
            args.family_file, seed=seeds[0], out=args.out, renders=args.renders, godot=args.godot
        )
    sys.stdout.write("\n" + RESULT_MARKER + json.dumps(result) + "\n")
    return 0
