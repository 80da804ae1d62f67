"""Scenarios in the output folder as the API shows them, and the read-only file route.

Every path the API touches is built from a validated family name and scenario id and
checked to stay inside the output folder, so ``../../etc/passwd`` never reaches ``open``.
"""

from __future__ import annotations

import re
from pathlib import Path

from benchgen.server.models import (
    FAMILY_PATTERN,
    SCENARIO_ID_PATTERN,
    ScenarioDetail,
    ScenarioSummary,
)
from benchgen.spec.folder import THUMBNAIL_PNG
from benchgen.spec.io import load_spec
from benchgen.store import Attempt, Store

__all__ = [
    "THUMBNAIL_FILES",
    "family_of",
    "list_scenarios",
    "resolve_file",
    "scenario_detail",
    "scenario_dir",
]

_ID = re.compile(SCENARIO_ID_PATTERN)
_FAMILY = re.compile(FAMILY_PATTERN)
_SEED_AND_HASH = re.compile(r"-[0-9]{6,10}-[0-9a-f]{6}$")
CONTACT_SHEET = "renders/contact_sheet.png"
#: What a list shows for a scenario, the first of these it has: the small picture
#: published with the verdict (pipeline.renders), else (older folders) the contact sheet.
THUMBNAIL_FILES = (THUMBNAIL_PNG, CONTACT_SHEET)
#: Only these kinds of files are served: what the dock shows or a user downloads.
_SERVED_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".mp4",
    ".gif",
    ".json",
    ".xml",
    ".py",
    ".obj",
    ".tscn",
    ".tres",
    ".md",
    ".txt",
}


def family_of(scenario_id: str) -> str:
    """Return the family part of a valid scenario id."""
    return _SEED_AND_HASH.sub("", scenario_id)


def scenario_dir(out: Path, scenario_id: str) -> Path | None:
    """Return the folder of a promoted scenario, or None (also for an invalid id)."""
    if not _ID.match(scenario_id):
        return None
    folder = out / family_of(scenario_id) / scenario_id
    return folder if (folder / "scenario.json").is_file() else None


def _url(family: str, scenario_id: str, rel: str) -> str:
    return f"/files/{family}/{scenario_id}/{rel}"


def _thumbnail(folder: Path) -> str | None:
    for rel in THUMBNAIL_FILES:
        if (folder / rel).is_file():
            return _url(folder.parent.name, folder.name, rel)
    return None


def _on_disk(out: Path, family: str | None) -> dict[str, Path]:
    pattern = f"{family}/*/scenario.json" if family else "*/*/scenario.json"
    return {
        p.parent.name: p.parent
        for p in sorted(out.glob(pattern))
        if _ID.match(p.parent.name) and _FAMILY.match(p.parent.parent.name)
    }


def _latest_attempts(store: Store, family: str | None) -> dict[str, Attempt]:
    latest: dict[str, Attempt] = {}
    for attempt in store.attempts(family=family):
        latest[attempt.scenario_id] = attempt
    return latest


def list_scenarios(
    out: Path, store: Store, *, family: str | None, status: str | None
) -> list[ScenarioSummary]:
    """Return promoted scenarios on disk and rejected attempts in the store, by id."""
    folders = _on_disk(out, family)
    attempts = _latest_attempts(store, family)
    rows: list[ScenarioSummary] = []
    for scenario_id in sorted(set(folders) | set(attempts)):
        folder, attempt = folders.get(scenario_id), attempts.get(scenario_id)
        promoted = folder is not None
        if status and status != ("promoted" if promoted else "rejected"):
            continue
        rows.append(
            ScenarioSummary(
                id=scenario_id,
                family=folder.parent.name if folder else attempt.family,  # type: ignore[union-attr]
                seed=attempt.seed if attempt else _seed_of(scenario_id),
                status="promoted" if promoted else "rejected",
                reasons=[] if promoted or attempt is None else list(attempt.reasons or []),
                job_id=attempt.job_id if attempt else None,
                url=f"/api/scenarios/{scenario_id}",
                thumbnail_url=_thumbnail(folder) if folder else None,
            )
        )
    return rows


def _seed_of(scenario_id: str) -> int | None:
    match = re.search(r"-([0-9]{6,10})-[0-9a-f]{6}$", scenario_id)
    return int(match.group(1)) if match else None


def _res_path(project_dir: Path | None, path: Path) -> str | None:
    if project_dir is None:
        return None
    try:
        return "res://" + path.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        return None


def scenario_detail(
    out: Path, store: Store, scenario_id: str, project_dir: Path | None
) -> ScenarioDetail | None:
    """Return everything the dock shows about one scenario, or None when it is unknown."""
    folder = scenario_dir(out, scenario_id)
    if folder is None:
        attempt = store.latest(scenario_id) if _ID.match(scenario_id) else None
        if attempt is None:
            return None
        return ScenarioDetail(
            id=scenario_id,
            family=attempt.family,
            status="rejected",
            reasons=list(attempt.reasons or []),
            detail=attempt.detail,
            spec=None,
            verification=None,
            render_urls=[],
            thumbnail_url=None,
            scene_path=None,
        )
    spec = load_spec(folder)  # InvalidSpecError for a truncated or non-UTF-8 file
    verification = spec.verification
    renders = sorted(
        p
        for p in (folder / "renders").rglob("*")
        if p.is_file() and p.suffix in {".png", ".mp4", ".gif", ".json"}
    )
    scene = folder / "godot" / "scene.tscn"
    return ScenarioDetail(
        id=scenario_id,
        family=folder.parent.name,
        status="promoted",
        reasons=[],
        detail="",
        spec=spec,
        verification=verification,
        render_urls=[
            _url(folder.parent.name, scenario_id, p.relative_to(folder).as_posix()) for p in renders
        ],
        thumbnail_url=_thumbnail(folder),
        scene_path=_res_path(project_dir, scene) if scene.is_file() else None,
    )


def resolve_file(out: Path, rel: str) -> Path | None:
    """Return the file ``<out>/<family>/<id>/<rest>`` names, or None if it may not be served."""
    parts = rel.split("/")
    if len(parts) < 3 or not _FAMILY.match(parts[0]) or not _ID.match(parts[1]):
        return None
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    root = out.resolve()
    try:
        path = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(root / parts[0] / parts[1]) or not path.is_file():
        return None
    return path if path.suffix.lower() in _SERVED_SUFFIXES else None
