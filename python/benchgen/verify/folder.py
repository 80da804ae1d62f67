"""Re-verify scenario folders on disk: hashes, model, trials and byte-for-byte rebuild."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from benchgen.errors import BenchgenError
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason, ScenarioSpec, VerificationCheck

__all__ = ["FolderReport", "find_scenarios", "verify_folder"]


class FolderReport(BaseModel):
    """The re-verification of one scenario folder."""

    folder: str
    scenario_id: str | None = None
    family: str | None = None
    ok: bool
    checks: list[VerificationCheck] = Field(default_factory=list)

    @property
    def reasons(self) -> list[FailureReason]:
        return [c.reason for c in self.checks if not c.passed and c.reason is not None]


def find_scenarios(root: Path) -> list[Path]:
    """Return every scenario folder under ``root`` (``root`` itself if it is one)."""
    if (root / "scenario.json").is_file():
        return [root]
    return sorted(
        p.parent for p in root.glob("*/*/scenario.json") if not p.parent.name.startswith(".")
    )


def _hash_check(spec: ScenarioSpec, folder: Path) -> VerificationCheck:
    from benchgen.pipeline.build import file_hashes

    actual = file_hashes(folder)
    changed = sorted(k for k in set(actual) | set(spec.files) if actual.get(k) != spec.files.get(k))
    if changed:
        return VerificationCheck(
            name="hashes",
            passed=False,
            reason=FailureReason.HASH_MISMATCH,
            detail=f"files differ from the sha256 in scenario.json: {', '.join(changed[:5])}",
        )
    return VerificationCheck(name="hashes", passed=True)


def _rebuild_check(spec: ScenarioSpec, folder: Path) -> VerificationCheck:
    """Rebuild from script.py with the recorded seed and params; compare every hash."""
    from benchgen.families import load_family_file
    from benchgen.pipeline.build import build_scenario, scenario_folder

    family = load_family_file(folder / "script.py")
    scratch = Path(tempfile.mkdtemp(prefix="benchgen-rebuild-"))
    try:
        outcome = build_scenario(
            family,
            spec.seed,
            out_root=scratch,
            overrides=spec.params,
            godot=(folder / "godot").is_dir(),
        )
        rebuilt = scenario_folder(scratch, family.name, outcome.scenario_id)
        if outcome.scenario_id != spec.id or outcome.status != "promoted":
            return VerificationCheck(
                name="deterministic",
                passed=False,
                reason=FailureReason.NONDETERMINISTIC,
                detail=f"the rebuild gave {outcome.scenario_id} ({outcome.status}), not {spec.id}",
            )
        same = (rebuilt / "scenario.json").read_bytes() == (folder / "scenario.json").read_bytes()
        if outcome.files != spec.files or not same:
            diff = sorted(k for k in outcome.files if outcome.files[k] != spec.files.get(k))
            return VerificationCheck(
                name="deterministic",
                passed=False,
                reason=FailureReason.NONDETERMINISTIC,
                detail=f"rebuilding gave different bytes: {', '.join(diff) or 'scenario.json'}",
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return VerificationCheck(name="deterministic", passed=True)


def verify_folder(folder: Path, *, rebuild: bool = True) -> FolderReport:
    """Re-verify one scenario folder.

    Checks that scenario.json is valid, every file matches its recorded sha256, MuJoCo
    loads model.xml, the no-action and reference trials still give what promotion
    requires, and (with ``rebuild``) that rebuilding from script.py gives the same bytes.
    """
    from benchgen.verify.gate import dynamic_checks

    try:
        spec = load_spec(folder)
    except BenchgenError as exc:
        check = VerificationCheck(
            name="spec_valid", passed=False, reason=FailureReason.VALIDATION_FAILED, detail=str(exc)
        )
        return FolderReport(folder=str(folder), ok=False, checks=[check])
    checks = [VerificationCheck(name="spec_valid", passed=True), _hash_check(spec, folder)]
    dynamic, _ = dynamic_checks(spec, folder)
    checks += dynamic
    if rebuild and all(c.passed for c in checks):
        try:
            checks.append(_rebuild_check(spec, folder))
        except BenchgenError as exc:
            checks.append(
                VerificationCheck(
                    name="deterministic",
                    passed=False,
                    reason=FailureReason.BUILD_ERROR,
                    detail=str(exc),
                )
            )
    return FolderReport(
        folder=str(folder),
        scenario_id=spec.id,
        family=spec.family,
        ok=all(c.passed for c in checks),
        checks=checks,
    )
