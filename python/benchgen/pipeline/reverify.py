"""Re-verify a scenario folder and rebuild it from its script.py, byte for byte."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchgen.errors import BenchgenError
from benchgen.families import load_family_file
from benchgen.pipeline.build import build_scenario
from benchgen.spec.folder import (
    GODOT_DIR,
    SCENARIO_JSON,
    SCRIPT_PY,
    deterministic_hashes,
    scenario_folder,
)
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason, ScenarioSpec, VerificationCheck
from benchgen.verify.folder import FolderReport, verify_folder

__all__ = ["rebuild_check", "reverify_folder"]


def _nondeterministic(detail: str) -> VerificationCheck:
    return VerificationCheck(
        name="deterministic", passed=False, reason=FailureReason.NONDETERMINISTIC, detail=detail
    )


def rebuild_check(spec: ScenarioSpec, folder: Path) -> VerificationCheck:
    """Rebuild ``folder`` from its script.py with the recorded seed and params; compare bytes.

    Every file but the renders and reviews must come back with the same sha256, and
    scenario.json must come back identical (minus the hashes of those two folders).
    """
    family = load_family_file(folder / SCRIPT_PY)
    with tempfile.TemporaryDirectory(prefix="benchgen-rebuild-") as scratch:
        outcome = build_scenario(
            family,
            spec.seed,
            out_root=Path(scratch),
            overrides=spec.params,
            godot=(folder / GODOT_DIR).is_dir(),
        )
        if outcome.scenario_id != spec.id or outcome.status != "promoted":
            return _nondeterministic(
                f"the rebuild gave {outcome.scenario_id} ({outcome.status}), not {spec.id}"
            )
        rebuilt = load_spec(scenario_folder(Path(scratch), family.name, outcome.scenario_id))
    want = deterministic_hashes(spec.files)
    diff = sorted(k for k in set(want) | set(outcome.files) if want.get(k) != outcome.files.get(k))
    if diff:
        return _nondeterministic(f"rebuilding gave different bytes: {', '.join(diff[:5])}")
    recorded = spec.model_copy(update={"files": want})
    if rebuilt.model_dump(mode="json") != recorded.model_dump(mode="json"):
        return _nondeterministic(f"rebuilding gave a different {SCENARIO_JSON}")
    return VerificationCheck(name="deterministic", passed=True)


def reverify_folder(folder: Path, *, rebuild: bool = True) -> FolderReport:
    """Re-verify one scenario folder (:func:`benchgen.verify.verify_folder`) and rebuild it.

    Args:
        folder: the scenario folder.
        rebuild: also rebuild from script.py and compare every byte (runs the script's
            family code).

    Returns:
        The report; its ``deterministic`` check is added only when every other check passed.
    """
    report = verify_folder(folder)
    if not (rebuild and report.ok):
        return report
    spec = load_spec(folder)
    try:
        check = rebuild_check(spec, folder)
    except BenchgenError as exc:
        check = VerificationCheck(
            name="deterministic", passed=False, reason=FailureReason.BUILD_ERROR, detail=str(exc)
        )
    checks = [*report.checks, check]
    return report.model_copy(update={"checks": checks, "ok": check.passed})
