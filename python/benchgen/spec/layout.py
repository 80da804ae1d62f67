"""A layout: everything of a scenario but its identity, and the spec made from it.

A family's ``layout`` hook returns a :class:`Layout`; :func:`spec_from_layout` adds the
identity (id, family, seed, parameters) and gives the :class:`ScenarioSpec` every later
stage reads. cad, verify and the agent tools take layouts too, so the model lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from benchgen.spec.models import Box, MovedObject, Part, ReferenceSolution, ScenarioSpec

__all__ = ["Layout", "box", "layout_of", "spec_from_layout"]


def box(lo: Sequence[float], hi: Sequence[float]) -> Box:
    """Return an axis-aligned box from its two corners, rounded to 0.1 µm."""
    return Box(min=[round(v, 7) + 0.0 for v in lo], max=[round(v, 7) + 0.0 for v in hi])


class Layout(BaseModel):
    """What a family's ``layout`` returns: everything of a scenario but its identity."""

    model_config = ConfigDict(extra="forbid")

    task: str
    workspace: Box
    build_zone: Box
    goal_zone: Box
    forbid_zones: list[Box]
    static_parts: list[Part]
    moved_object: MovedObject
    reference_solution: ReferenceSolution
    horizon_s: float

    @model_validator(mode="after")
    def _distinct_names(self) -> Layout:
        """Part names key meshes and MJCF geoms: they must be unique and not reserved."""
        names = [p.name for p in self.static_parts]
        names += [f"solution_{p.name}" for p in self.reference_solution.parts]
        reserved = [
            n
            for n in names[: len(self.static_parts)]
            if n == "moved_object" or n.startswith("solution_")
        ]
        if reserved:
            raise ValueError(f"static part name {reserved[0]!r} is reserved; rename the part")
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"part names must be unique; {duplicates[0]!r} is used twice")
        return self


def spec_from_layout(
    layout: Layout, *, scenario_id: str, family: str, seed: int, params: dict[str, Any]
) -> ScenarioSpec:
    """Return the scenario spec of ``layout`` with its identity (not yet verified)."""
    return ScenarioSpec(
        id=scenario_id, family=family, seed=seed, params=params, **layout.model_dump()
    )


def layout_of(spec: ScenarioSpec) -> Layout:
    """Return the layout a spec was made from (its identity and verification dropped)."""
    return Layout.model_validate(spec.model_dump(include=set(Layout.model_fields)))
