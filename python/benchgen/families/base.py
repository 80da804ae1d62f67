"""The skeleton every scenario family fills in.

A family is a small class with two things to provide (as dm_control's ``Entity`` asks
for ``_build``): a ``Params`` model whose fields carry a nominal value and a range, and
a ``layout`` hook that turns one parameter set into geometry, zones and a reference
solution. Sampling, validation of overrides and naming are done here, once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchgen.errors import InvalidSpecError
from benchgen.spec.layout import Layout, box
from benchgen.spec.models import MovedObject, Part, Piece, Pose

__all__ = ["Family", "FamilyParams", "Layout", "box", "ranged"]


class FamilyParams(BaseModel):
    """Base of every family's parameters: each float field has ``ge``/``le`` bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def ranged(nominal: float, *, spread: float = 0.4, description: str = "") -> Any:
    """Return a pydantic field sampled uniformly in ``nominal × [1 - spread, 1 + spread]``."""
    lo, hi = sorted((nominal * (1 - spread), nominal * (1 + spread)))
    return Field(default=nominal, ge=round(lo, 6), le=round(hi, 6), description=description)


class Family:
    """A procedural scenario family: subclass, set the class attributes, fill ``layout``."""

    name: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[FamilyParams]]
    source_text: str | None = None  # set when the family was loaded from a script file

    def sample(self, seed: int, overrides: Mapping[str, Any] | None = None) -> FamilyParams:
        """Draw a parameter set from ``seed``; ``overrides`` fix chosen values.

        Raises:
            InvalidSpecError: an override names an unknown parameter or is out of range.
        """
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.Params.model_fields))
        if unknown:
            allowed = ", ".join(sorted(self.Params.model_fields))
            raise InvalidSpecError(
                f"{self.name} has no parameter {unknown[0]!r}; its parameters are: {allowed}"
            )
        rng = np.random.default_rng([seed, _name_key(self.name)])
        values: dict[str, Any] = {}
        for field_name, info in self.Params.model_fields.items():
            lo, hi = _bounds(info.metadata)
            drawn = (
                float(rng.uniform(lo, hi)) if lo is not None and hi is not None else info.default
            )
            values[field_name] = overrides.get(field_name, _round_within(drawn, lo, hi))
        try:
            return self.Params.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise InvalidSpecError(
                f"parameter {field!r} of {self.name}: {err['msg']} (got {err.get('input')!r})"
            ) from exc

    def layout(self, params: FamilyParams) -> Layout:
        """Return the geometry, zones and reference solution for ``params`` (the hook)."""
        raise NotImplementedError

    def scenario_id(self, seed: int, params: FamilyParams) -> str:
        """Return the id ``<family>-<seed:06d>-<6 hex of the params>``."""
        digest = hashlib.sha256(
            json.dumps(params.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        return f"{self.name}-{seed:06d}-{digest[:6]}"

    @classmethod
    def params_schema(cls) -> dict[str, Any]:
        """Return the JSON Schema of the parameters (the dock builds its fields from it)."""
        return cls.Params.model_json_schema()

    # Helpers for layouts -------------------------------------------------------------

    @staticmethod
    def part(
        name: str,
        pieces: list[Piece],
        *,
        friction: float = 0.8,
        rgba: Sequence[float] = (0.6, 0.6, 0.65, 1.0),
    ) -> Part:
        """Return a static part whose visual mesh goes to ``meshes/<name>.obj``."""
        return Part(
            name=name, pieces=pieces, mesh=f"meshes/{name}.obj", friction=friction, rgba=list(rgba)
        )

    @staticmethod
    def moved(
        shape: str, size: Sequence[float], at: Sequence[float], *, mass: float, friction: float
    ) -> MovedObject:
        """Return the moved object resting at ``at``."""
        return MovedObject(
            shape=shape,  # type: ignore[arg-type]
            size=[round(s, 7) for s in size],
            mass=round(mass, 6),
            friction=round(friction, 6),
            start_pose=Pose(pos=[round(v, 7) + 0.0 for v in at]),
            mesh="meshes/moved_object.obj",
        )


def _round_within(value: Any, lo: float | None, hi: float | None) -> Any:
    """Round a drawn value to 4 decimals without leaving its bounds."""
    if not isinstance(value, float):
        return value
    rounded = round(value, 4)
    if lo is not None:
        rounded = max(rounded, lo)
    if hi is not None:
        rounded = min(rounded, hi)
    return rounded


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    lo = hi = None
    for item in metadata:
        lo = getattr(item, "ge", lo)
        hi = getattr(item, "le", hi)
    return lo, hi


def _name_key(name: str) -> int:
    """Return a stable 32-bit key of a family name, so families sharing a seed differ."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")
