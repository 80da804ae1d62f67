"""Make a dataset's folders and its store agree again after a crash (a kill of anything).

Folders are published by one rename, so a kill leaves at worst a staging folder
(``.tmp-*``) or a complete folder the store has no row for (the kill fell between the
rename and the store write). A folder damaged afterwards (a truncated scenario.json, a
deleted mesh) is not complete either. :func:`repair_dataset`, run before ``generate``
and when the server starts, finds each case and records what it found:

- a staging folder whose writer process is gone is removed;
- a complete folder without a promoted row gets one ("found complete on disk");
- a damaged folder is moved aside to ``.corrupt-<id>-<pid>`` (readers skip dot names)
  and recorded as rejected with the reason, so a later run builds that seed again.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pydantic import BaseModel, Field

from benchgen.errors import BenchgenError
from benchgen.spec.folder import SCENARIO_JSON, STAGING_PREFIX, regular_files
from benchgen.spec.ids import FAMILY_PATTERN, SCENARIO_ID_PATTERN
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason
from benchgen.store import Store

__all__ = [
    "CORRUPT_PREFIX",
    "RepairReport",
    "folder_problem",
    "quarantine",
    "remove_stale_staging",
    "repair_dataset",
]

CORRUPT_PREFIX = ".corrupt-"
_FAMILY = re.compile(FAMILY_PATTERN)
_SCENARIO_ID = re.compile(SCENARIO_ID_PATTERN)
FOUND = "found complete on disk after an interrupted run"


class RepairReport(BaseModel):
    """What :func:`repair_dataset` found and did."""

    stale_removed: list[str] = Field(default_factory=list)
    recorded: list[str] = Field(default_factory=list)
    quarantined: dict[str, str] = Field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.stale_removed or self.recorded or self.quarantined)

    def summary(self) -> str:
        """Return one sentence about what was repaired."""
        parts = []
        if self.stale_removed:
            parts.append(f"removed {len(self.stale_removed)} unfinished staging folder(s)")
        if self.recorded:
            parts.append(f"recorded {len(self.recorded)} complete folder(s) the store missed")
        if self.quarantined:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(self.quarantined.items())[:3])
            parts.append(f"moved {len(self.quarantined)} damaged folder(s) aside: {names}")
        return "; ".join(parts) or "nothing to repair"


def folder_problem(folder: Path) -> str | None:
    """Return why a published scenario folder is not complete, or None when it is.

    Cheap: scenario.json must load and name this folder, and the files on disk must be
    exactly those it records (``benchgen verify`` checks their bytes too).
    """
    found = _problem(folder)
    return None if found is None else found[1]


def _problem(folder: Path) -> tuple[FailureReason, str] | None:
    try:
        spec = load_spec(folder)
    except BenchgenError as exc:
        return FailureReason.VALIDATION_FAILED, str(exc)
    if spec.id != folder.name:
        return FailureReason.VALIDATION_FAILED, f"{SCENARIO_JSON} is for {spec.id}"
    try:
        files = set(regular_files(folder)) - {SCENARIO_JSON}
    except (BenchgenError, OSError) as exc:
        return FailureReason.HASH_MISMATCH, str(exc)
    missing, extra = sorted(set(spec.files) - files), sorted(files - set(spec.files))
    if missing or extra:
        listed = ", ".join(
            [*(f"{name} missing" for name in missing), *(f"{name} unexpected" for name in extra)]
        )
        return FailureReason.HASH_MISMATCH, f"files differ from {SCENARIO_JSON}: {listed[:200]}"
    return None


def _is_scenario_folder(path: Path) -> bool:
    """Tell whether ``path`` is named like a published scenario of its family folder."""
    family, name = path.parent.name, path.name
    return (
        _FAMILY.match(family) is not None
        and _SCENARIO_ID.match(name) is not None
        and name.rsplit("-", 2)[0] == family
        and path.is_dir()
        and not path.is_symlink()
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _writer_pid(name: str) -> int | None:
    """Return the pid in a staging name: ``.tmp-<id>-<pid>-<tid>`` or ``.tmp-old-<id>-<pid>``."""
    parts = name.split("-")
    field = parts[-1] if name.startswith(f"{STAGING_PREFIX}old-") else parts[-2]
    return int(field) if field.isdigit() else None


def remove_stale_staging(dataset: Path) -> list[str]:
    """Remove the staging folders under ``dataset/<family>/`` whose writer has exited."""
    removed = []
    for path in sorted(dataset.glob(f"*/{STAGING_PREFIX}*")):
        if not _FAMILY.match(path.parent.name):
            continue  # not a family folder of a dataset: leave it alone
        pid = _writer_pid(path.name)
        if pid is not None and _pid_alive(pid):
            continue  # another process is writing it right now
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(f"{path.parent.name}/{path.name}")
    return removed


def quarantine(folder: Path) -> Path:
    """Move a damaged scenario folder aside (a dot name readers skip); return where."""
    aside = folder.parent / f"{CORRUPT_PREFIX}{folder.name}-{os.getpid()}"
    os.replace(folder, aside)
    return aside


class _Found(BaseModel):
    """An attempt row for a folder the store did not know (the BuildOutcome fields)."""

    scenario_id: str
    family: str
    seed: int
    status: str
    reasons: list[str] = Field(default_factory=list)
    detail: str = ""
    folder: str | None = None
    files: dict[str, str] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(default_factory=dict)


def _seed_of(name: str) -> int:
    try:
        return int(name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return -1


def repair_dataset(dataset: Path, store: Store) -> RepairReport:
    """Bring ``dataset`` and ``store`` back into agreement; see the module docstring."""
    report = RepairReport(stale_removed=remove_stale_staging(dataset) if dataset.is_dir() else [])
    if not dataset.is_dir():
        return report
    promoted = {a.scenario_id for a in store.attempts(status="promoted")}
    for scj in sorted(dataset.glob("*/*")):
        family = scj.parent.name
        if not _is_scenario_folder(scj):
            continue  # only <family>/<family>-<seed>-<hash> folders are ever touched
        found = _problem(scj)
        if found is None:
            if scj.name not in promoted:
                spec = load_spec(scj)
                store.record_attempt(
                    _Found(
                        scenario_id=spec.id,
                        family=spec.family,
                        seed=spec.seed,
                        status="promoted",
                        detail=FOUND,
                        folder=str(scj),
                        files=spec.files,
                    )
                )
                report.recorded.append(spec.id)
            continue
        reason, problem = found
        quarantine(scj)
        store.record_attempt(
            _Found(
                scenario_id=scj.name,
                family=family,
                seed=_seed_of(scj.name),
                status="rejected",
                reasons=[str(reason)],
                detail=f"damaged on disk, moved aside: {problem}",
            )
        )
        report.quarantined[scj.name] = problem[:200]
    return report
