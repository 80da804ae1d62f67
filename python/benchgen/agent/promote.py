"""Promote an approved agent family through the same gate as the procedural families.

1. In the sandbox, ``build_scenario`` (the procedural pipeline, unchanged) builds and
   verifies the agent's family into ``<workspace>/.promote/<family>/<id>/``; it writes
   the folder only when every check passed.
2. On the host, without running any agent code, the staged folder is checked again from
   its data: scenario.json is a valid spec marked promoted, every file matches its hash,
   meshes and model.xml are what benchgen itself builds from the spec, and the gate
   (static checks and both MuJoCo trials) passes. Code in the sandbox could forge a
   folder; it cannot forge one that passes this.
   The checks run on a host copy made by :func:`benchgen.sandbox.copy_regular_tree`
   (regular files with one link only: a symlink, FIFO, device or hard link rejects the
   folder), so what is checked is what is published, and every file is hashed,
   renders included.
3. That copy is published to ``<out>/<family>/<id>/`` atomically (one rename).

A rejection at any step carries the gate's reasons back to the Coder.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from benchgen.agent.toolbox import run_tool_in_sandbox
from benchgen.agent.workspace import Workspace
from benchgen.errors import BenchgenError
from benchgen.pipeline.build import write_model_files
from benchgen.sandbox import SandboxLimits, copy_regular_tree
from benchgen.spec.folder import SCENARIO_JSON, publish, regular_files, scenario_folder, staging
from benchgen.spec.io import load_spec
from benchgen.spec.layout import layout_of
from benchgen.verify import run_gate, verify_folder

__all__ = ["PromotionResult", "promote_family"]

_STAGE = ".promote"
_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class PromotionResult(BaseModel):
    """The verdict of the gate on the agent's family."""

    status: str  # "promoted" | "rejected"
    scenario_id: str | None = None
    family: str | None = None
    folder: str | None = None
    reasons: list[str] = Field(default_factory=list)
    detail: str = ""


def _rejected(
    detail: str,
    reasons: list[str] | None = None,
    *,
    family: str | None = None,
    scenario_id: str | None = None,
) -> PromotionResult:
    return PromotionResult(
        status="rejected",
        reasons=reasons or ["VALIDATION_FAILED"],
        detail=detail,
        family=family,
        scenario_id=scenario_id,
    )


def _host_checks(staged: Path) -> list[str]:
    """Re-verify a staged folder from its data alone; return the failures (none = good)."""
    spec = load_spec(staged)
    if spec.verification is None or not spec.verification.promoted:
        return ["scenario.json does not record a promoted verification"]
    report = verify_folder(staged)
    problems = [f"{c.name}: {c.reason} {c.detail}" for c in report.checks if not c.passed]
    layout = layout_of(spec)
    with tempfile.TemporaryDirectory(prefix="benchgen-recheck-") as tmp:
        fresh = Path(tmp)
        geometry, _ = write_model_files(spec, layout, fresh)
        for rel in regular_files(fresh):
            if not (staged / rel).is_file() or not filecmp.cmp(fresh / rel, staged / rel, False):
                problems.append(f"{rel} differs from what benchgen builds from scenario.json")
    gate = run_gate(spec, layout, geometry, staged)
    problems += [f"{c.name}: {c.reason} {c.detail}" for c in gate.checks if not c.passed]
    return problems


def _check_and_publish(ws: Workspace, staged: Path, final: Path) -> list[str]:
    """Copy the staged folder to the host, check the copy, publish it; return the problems.

    The copy comes first (regular files with one link only, nothing followed, sizes
    bounded), so the checks and the publication see the same bytes, which sandboxed code
    can no longer change.
    """
    with staging(final) as tmp:
        try:
            copy_regular_tree(staged, tmp, trusted_root=ws.root)
            problems = _host_checks(tmp)
        except (BenchgenError, OSError, ValueError) as exc:
            return [f"the staged folder could not be re-verified: {exc}"]
        if not problems:
            publish(tmp, final)
    return problems


def promote_family(
    ws: Workspace, out: Path, *, seed: int, limits: SandboxLimits, renders: bool, godot: bool
) -> PromotionResult:
    """Build the workspace's script.py through the verify gate and publish it to ``out``."""
    shutil.rmtree(ws.root / _STAGE, ignore_errors=True)
    argv = ["promote", "script.py", f"--seed={seed}", f"--out={_STAGE}"]
    argv += (["--renders"] if renders else []) + (["--godot"] if godot else [])
    data, result = run_tool_in_sandbox(ws, argv, limits=limits)
    if data is None:
        return _rejected(
            f"the build crashed (exit {result.exit_code}): {result.stderr[-2000:]}", ["BUILD_ERROR"]
        )
    if data.get("status") == "error":
        return _rejected(f"the build raised an error:\n{data.get('error', '')}", ["BUILD_ERROR"])
    family, scenario_id = str(data.get("family", "")), str(data.get("scenario_id", ""))
    if data.get("status") != "promoted":
        return _rejected(
            str(data.get("detail", "")),
            [str(r) for r in data.get("reasons", [])],
            family=family,
            scenario_id=scenario_id,
        )
    if not (_SAFE.match(family) and _SAFE.match(scenario_id)):
        return _rejected(f"unsafe family or scenario id {family!r} / {scenario_id!r}")
    final = scenario_folder(out, family, scenario_id)
    if not (final / SCENARIO_JSON).is_file():
        problems = _check_and_publish(ws, ws.root / _STAGE / family / scenario_id, final)
        if problems:
            return _rejected(
                "host re-verification failed: " + "; ".join(problems),
                family=family,
                scenario_id=scenario_id,
            )
    return PromotionResult(
        status="promoted", folder=str(final), family=family, scenario_id=scenario_id
    )
