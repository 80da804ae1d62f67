"""Re-verify a scenario folder and rebuild it from its script.py, byte for byte."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from benchgen.errors import BenchgenError, SandboxError, UnknownFamilyError
from benchgen.families import get_family
from benchgen.families.base import Family
from benchgen.pipeline import _rebuild_child
from benchgen.pipeline.build import build_scenario
from benchgen.pipeline.script import script_text
from benchgen.sandbox import SandboxLimits, read_regular, run_sandboxed
from benchgen.spec.folder import (
    GODOT_DIR,
    SCENARIO_JSON,
    SCRIPT_PY,
    deterministic_hashes,
    file_hashes,
    scenario_folder,
)
from benchgen.spec.io import load_spec
from benchgen.spec.models import FailureReason, ScenarioSpec, VerificationCheck
from benchgen.verify.folder import FolderReport, verify_folder

__all__ = ["REBUILD_LIMITS", "rebuild_check", "reverify_folder"]

_MARKER = _rebuild_child.MARKER


def _nondeterministic(detail: str) -> VerificationCheck:
    return VerificationCheck(
        name="deterministic", passed=False, reason=FailureReason.NONDETERMINISTIC, detail=detail
    )


#: Limits of a sandboxed rebuild: one build123d + MuJoCo build, Godot export included.
REBUILD_LIMITS = SandboxLimits(timeout_s=600, cpu_s=600, memory_mb=4096, disk_mb=1024)


def _builtin_family(spec: ScenarioSpec, script: bytes) -> Family | None:
    """Return the built-in family whose script.py for this spec is exactly ``script``."""
    try:
        family = get_family(spec.family)
    except UnknownFamilyError:
        return None
    if family.source_text is not None:  # not the code of this package
        return None
    expected = script_text(family, scenario_id=spec.id, seed=spec.seed, params=spec.params)
    return family if expected.encode("utf-8") == script else None


def _rebuild_here(family: Family, spec: ScenarioSpec, godot: bool, scratch: Path) -> str | None:
    """Build a built-in family's scenario in this process; return why it failed, if it did."""
    outcome = build_scenario(
        family, spec.seed, out_root=scratch, overrides=spec.params, godot=godot
    )
    if outcome.scenario_id != spec.id or outcome.status != "promoted":
        return f"the rebuild gave {outcome.scenario_id} ({outcome.status}), not {spec.id}"
    return None


def _rebuild_sandboxed(
    script: bytes, spec: ScenarioSpec, godot: bool, scratch: Path, limits: SandboxLimits
) -> str | None:
    """Build the scenario from ``script`` in the sandbox into ``scratch/out``."""
    (scratch / SCRIPT_PY).write_bytes(script)
    args = [SCRIPT_PY, str(spec.seed), json.dumps(spec.params), "1" if godot else "0"]
    result = run_sandboxed(
        Path(_rebuild_child.__file__),
        workspace=scratch,
        limits=limits,
        args=args,
        env={"MUJOCO_GL": "egl"},
    )
    reply = next(
        (line for line in reversed(result.stdout.splitlines()) if line.startswith(_MARKER)), None
    )
    if reply is None:
        stop = f" (stopped by the {result.killed_by} limit)" if result.killed_by else ""
        raise SandboxError(
            f"the sandboxed rebuild exited {result.exit_code}{stop}: {result.stderr[-500:]}"
        )
    try:
        data = json.loads(reply[len(_MARKER) :])
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SandboxError(f"the sandboxed rebuild answered nonsense: {reply[:200]!r}")
    if data.get("status") == "error":
        raise SandboxError(f"the sandboxed rebuild raised: {str(data.get('error'))[-500:]}")
    if data.get("status") != "promoted" or data.get("scenario_id") != spec.id:
        return f"the rebuild gave {data.get('scenario_id')} ({data.get('status')}), not {spec.id}"
    return None


def rebuild_check(
    spec: ScenarioSpec, folder: Path, *, limits: SandboxLimits = REBUILD_LIMITS
) -> VerificationCheck:
    """Rebuild ``folder`` from its script.py with the recorded seed and params; compare bytes.

    Every file but the renders and reviews must come back with the same sha256, and
    scenario.json must come back identical (minus the hashes of those two folders).
    A script.py that is byte for byte what a built-in family writes for this spec is
    rebuilt here with that family's own code; any other (an agent's family, an edited
    or foreign folder) runs only in the sandbox, and its output is read back as regular
    files and hashed by the host.
    """
    script = read_regular(folder / SCRIPT_PY)
    godot = (folder / GODOT_DIR).is_dir()
    with tempfile.TemporaryDirectory(prefix="benchgen-rebuild-") as tmp:
        scratch = Path(tmp)
        family = _builtin_family(spec, script)
        if family is not None:
            failure = _rebuild_here(family, spec, godot, scratch)
            out = scratch
        else:
            failure = _rebuild_sandboxed(script, spec, godot, scratch, limits)
            out = scratch / "out"
        if failure:
            return _nondeterministic(failure)
        rebuilt_folder = scenario_folder(out, spec.family, spec.id)
        rebuilt = load_spec(rebuilt_folder)
        got = deterministic_hashes(file_hashes(rebuilt_folder))
    want = deterministic_hashes(spec.files)
    diff = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
    if diff:
        return _nondeterministic(f"rebuilding gave different bytes: {', '.join(diff[:5])}")
    recorded = spec.model_copy(update={"files": want})
    rebuilt = rebuilt.model_copy(update={"files": deterministic_hashes(rebuilt.files)})
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
