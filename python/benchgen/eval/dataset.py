"""The scenarios of an evaluation: every promoted scenario folder of a dataset.

Each folder must hold problem.json (what the agent is given) and scenario.json (what the
harness simulates with; the oracle reads its reference). A folder benchgen did not build
is untrusted: its files are read only as regular files (no symlink, FIFO or device is
followed, :func:`benchgen.spec.folder.regular_files`), and nothing in it is executed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from benchgen.errors import EvalError, InvalidSpecError, UnsafeFileError
from benchgen.spec.folder import PROBLEM_JSON, SCENARIO_JSON, regular_files
from benchgen.spec.io import load_spec
from benchgen.spec.models import ScenarioSpec
from benchgen.spec.problem import Problem

__all__ = ["EvalScenario", "load_dataset", "problem_text"]

#: The renders an agent may ask for, in the order they are offered.
RENDER_NAMES = ("renders/contact_sheet.png",)


@dataclass(frozen=True)
class EvalScenario:
    """One scenario as the harness sees it: the problem, and where its files are."""

    id: str
    family: str
    tier: str
    folder: Path
    problem: Problem
    renders: tuple[Path, ...] = field(default=())

    def spec(self) -> ScenarioSpec:
        """Return scenario.json (the harness's and the oracle's view, never the agent's)."""
        return load_spec(self.folder / SCENARIO_JSON)


def _problem(folder: Path) -> Problem:
    path = folder / PROBLEM_JSON
    try:
        return Problem.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise EvalError(
            f"{path} is not a valid problem.json (field '{where}': {first['msg']}); "
            "regenerate the scenario with `benchgen generate`"
        ) from exc


def _scenario(folder: Path) -> EvalScenario | None:
    """Return the scenario in ``folder``, or None when it is not a scenario folder."""
    try:
        files = set(regular_files(folder))
    except UnsafeFileError as exc:
        raise EvalError(f"{folder} is refused: {exc}") from exc
    if SCENARIO_JSON not in files:
        return None
    if PROBLEM_JSON not in files:
        raise EvalError(
            f"{folder} has no {PROBLEM_JSON}: it was built before problems existed; "
            "regenerate it with `benchgen generate`"
        )
    try:
        spec = load_spec(folder / SCENARIO_JSON)
    except InvalidSpecError as exc:
        raise EvalError(str(exc)) from exc
    tier = spec.difficulty.tier if spec.difficulty is not None else "unknown"
    renders = tuple(folder / name for name in RENDER_NAMES if name in files)
    return EvalScenario(
        id=spec.id,
        family=spec.family,
        tier=tier,
        folder=folder,
        problem=_problem(folder),
        renders=renders,
    )


def _folders(dataset: Path) -> list[Path]:
    if (dataset / SCENARIO_JSON).is_file():
        return [dataset]
    return sorted(p.parent for p in dataset.glob(f"*/*/{SCENARIO_JSON}") if not p.is_symlink())


def _first_per_family(scenarios: list[EvalScenario], limit: int) -> list[EvalScenario]:
    kept: dict[str, int] = {}
    chosen = []
    for scenario in scenarios:
        kept[scenario.family] = kept.get(scenario.family, 0) + 1
        if kept[scenario.family] <= limit:
            chosen.append(scenario)
    return chosen


def load_dataset(
    dataset: Path, *, families: list[str] | None = None, limit: int | None = None
) -> list[EvalScenario]:
    """Return the scenarios of ``dataset`` (a dataset folder or one scenario folder).

    Args:
        dataset: ``<dataset>/<family>/<id>/`` folders, as ``benchgen generate`` writes.
        families: keep only these families (None: all).
        limit: keep at most this many scenarios per family, the first by id.

    Raises:
        EvalError: the folder holds no scenario, a family has none, or a folder is broken.
    """
    if not dataset.is_dir():
        raise EvalError(f"{dataset} is not a folder: pass a dataset written by benchgen generate")
    scenarios = [s for f in _folders(dataset) if (s := _scenario(f)) is not None]
    if families:
        present = {s.family for s in scenarios}
        unknown = [f for f in families if f not in present]
        if unknown:
            raise EvalError(
                f"{dataset} has no scenario of family {', '.join(unknown)}; it has: "
                f"{', '.join(sorted(present)) or 'none'}"
            )
        scenarios = [s for s in scenarios if s.family in families]
    if limit is not None:
        scenarios = _first_per_family(scenarios, limit)
    if not scenarios:
        raise EvalError(
            f"{dataset} holds no scenario folder (<family>/<id>/scenario.json): "
            "generate one with `benchgen generate --out DIR`"
        )
    return scenarios


def problem_text(problem: Problem) -> str:
    """Return problem.json as the compact JSON an agent is given."""
    return json.dumps(problem.model_dump(mode="json"), separators=(",", ":"))
