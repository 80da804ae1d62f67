"""Re-verify scenario folders on disk: hashes, model, trials and byte-for-byte rebuild."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from benchgen.errors import BenchgenError, UnsafeFileError
from benchgen.spec.folder import SCENARIO_JSON, STAGING_PREFIX, hash_mismatches
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason, ScenarioSpec, VerificationCheck
from benchgen.verify.gate import dynamic_checks

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
    if (root / SCENARIO_JSON).is_file():
        return [root]
    return sorted(
        p.parent
        for p in root.glob(f"*/*/{SCENARIO_JSON}")
        if not p.parent.name.startswith((".", STAGING_PREFIX))
    )


def _hash_check(spec: ScenarioSpec, folder: Path) -> VerificationCheck:
    try:
        changed = hash_mismatches(spec, folder)
    except UnsafeFileError as exc:
        return VerificationCheck(
            name="hashes", passed=False, reason=FailureReason.HASH_MISMATCH, detail=str(exc)
        )
    if changed:
        return VerificationCheck(
            name="hashes",
            passed=False,
            reason=FailureReason.HASH_MISMATCH,
            detail=f"files differ from the sha256 in scenario.json: {', '.join(changed[:5])}",
        )
    return VerificationCheck(name="hashes", passed=True)


def verify_folder(folder: Path) -> FolderReport:
    """Re-verify one scenario folder from its data, without running any of its code.

    Checks that scenario.json is valid, every file matches its recorded sha256, MuJoCo
    loads model.xml, and the no-action and reference trials still give what promotion
    requires. :func:`benchgen.pipeline.reverify_folder` adds the byte-for-byte rebuild.
    """
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
    return FolderReport(
        folder=str(folder),
        scenario_id=spec.id,
        family=spec.family,
        ok=all(c.passed for c in checks),
        checks=checks,
    )
