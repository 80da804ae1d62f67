"""The skeleton every scenario family fills in.

A family is a small class with two things to provide (as dm_control's ``Entity`` asks
for ``_build``): a ``Params`` model whose fields carry a nominal value and a range, and
a ``layout`` hook that turns one parameter set into geometry, zones, an action space and
a reference solution, in the family's own frame. Sampling, validation of overrides,
naming and the orientation of the whole layout are done here, once: every family's
parameters include ``yaw_deg`` and ``mirrored``, and :meth:`Family.build` turns the
hook's layout by them, so no fixed action (a push along +x, a part at fixed coordinates)
solves a family.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchgen.errors import InvalidSpecError
from benchgen.spec.layout import Layout, box, turned, zone
from benchgen.spec.models import MovedObject, Part, Piece, Pose
from benchgen.spec.pieces import quat_from_euler

__all__ = ["Family", "FamilyParams", "Layout", "PushSearch", "box", "ranged", "zone"]


class FamilyParams(BaseModel):
    """Base of every family's parameters: each float field has ``ge``/``le`` bounds.

    ``yaw_deg`` and ``mirrored`` orient the whole layout (see :meth:`Family.build`);
    a boolean field is drawn with even odds.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    yaw_deg: float = Field(
        default=0.0, ge=-180.0, le=180.0, description="turn of the whole layout about z (deg)"
    )
    mirrored: bool = Field(default=False, description="the layout mirrored left to right")


def ranged(nominal: float, *, spread: float = 0.4, description: str = "") -> Any:
    """Return a pydantic field sampled uniformly in ``nominal × [1 - spread, 1 + spread]``."""
    lo, hi = sorted((nominal * (1 - spread), nominal * (1 + spread)))
    return Field(default=nominal, ge=round(lo, 6), le=round(hi, 6), description=description)


@dataclass(frozen=True)
class PushSearch:
    """The grid searched around a family's guessed push.

    Attributes:
        speed_span: relative speeds from ``1 - span`` to ``1 + span`` of the guess.
        angle_span_deg: directions within ± this many degrees of the guess (horizontal).
        steps: grid points per axis (odd, so the guess itself is tried).
    """

    speed_span: float = 0.25
    angle_span_deg: float = 8.0
    steps: int = 7


class Family:
    """A procedural scenario family: subclass, set the class attributes, fill ``layout``.

    ``push_search``, when set, lets the pipeline move the layout's guessed reference push
    to the middle of its success window (:func:`benchgen.verify.refine.refine_push`).
    Every randomized dimension spans ±40 % of its nominal value (``ranged``'s default);
    ``narrow_ranges`` names each parameter that spans less, with the reason.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[FamilyParams]]
    push_search: ClassVar[PushSearch | None] = None
    narrow_ranges: ClassVar[dict[str, str]] = {}
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
            drawn: Any = info.default
            if info.annotation is bool:
                drawn = bool(rng.random() < 0.5)
            elif lo is not None and hi is not None:
                drawn = float(rng.uniform(lo, hi))
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
        """Return the layout of ``params`` in the family's own frame (the hook)."""
        raise NotImplementedError

    def build(self, params: FamilyParams) -> Layout:
        """Return the layout of ``params``, mirrored and turned as its parameters say."""
        return turned(self.layout(params), yaw_deg=params.yaw_deg, mirrored=params.mirrored)

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
        shape: str,
        size: Sequence[float],
        at: Sequence[float],
        *,
        mass: float,
        friction: float,
        roll: float = 0.0,
        pitch: float = 0.0,
        yaw: float = 0.0,
    ) -> MovedObject:
        """Return the moved object resting at ``at``, turned by the given angles (deg)."""
        return MovedObject(
            shape=shape,  # type: ignore[arg-type]
            size=[round(s, 7) for s in size],
            mass=round(mass, 6),
            friction=round(friction, 6),
            start_pose=Pose(
                pos=[round(v, 7) + 0.0 for v in at], quat=quat_from_euler(roll, pitch, yaw)
            ),
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
