"""Write Godot 4 text resources (``.tscn`` / ``.tres``, format=3) with deterministic bytes.

Only what the exporter needs: value literals (floats, vectors, transforms, packed arrays)
and a small builder that numbers resources and counts ``load_steps``. Literal syntax
follows Godot's own writer (``core/variant/variant_parser.cpp``): a ``Transform3D`` is
its basis row by row, then the origin; an ``AABB`` is position then size. Components of
vectors, colours, boxes and transforms are single-precision in Godot (``real_t``), and
the editor writes each as the shortest text that reads back as the same float32, so
they are written that way here (:func:`num`): an editor re-save keeps every value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Ref",
    "TextResource",
    "aabb",
    "color",
    "flt",
    "num",
    "packed_bytes",
    "packed_vector3",
    "string",
    "transform3d",
    "typed_array",
    "vector3",
]


def _finite(value: float) -> float:
    rounded = round(float(value), 7) + 0.0
    if not math.isfinite(rounded):
        raise ValueError(
            f"cannot write {value!r} to a Godot resource: only finite numbers are allowed"
        )
    return rounded


def num(value: float) -> str:
    """Return a vector component literal: 7 decimals, as float32 text (``1``, no ``-0``)."""
    text = np.format_float_positional(np.float32(_finite(value)), unique=True, trim="-")
    return "0" if text == "-0" else text


def flt(value: float) -> str:
    """Return a scalar float property literal (double in Godot; always a decimal point)."""
    text = repr(_finite(value))
    return text if any(c in text for c in ".e") else f"{text}.0"


def string(value: str) -> str:
    """Return a quoted string literal (JSON escapes are what Godot's parser reads)."""
    return json.dumps(value, ensure_ascii=False)


def _flat(values: ArrayLike) -> list[float]:
    return [float(c) for c in np.asarray(values, dtype=float).reshape(-1)]


def vector3(v: ArrayLike) -> str:
    """Return ``Vector3(x, y, z)``."""
    return f"Vector3({', '.join(num(c) for c in _flat(v))})"


def color(rgba: ArrayLike) -> str:
    """Return ``Color(r, g, b, a)``."""
    return f"Color({', '.join(num(c) for c in _flat(rgba))})"


def aabb(position: ArrayLike, size: ArrayLike) -> str:
    """Return ``AABB(px, py, pz, sx, sy, sz)``."""
    return f"AABB({', '.join(num(c) for c in _flat(position) + _flat(size))})"


def transform3d(basis: ArrayLike, origin: ArrayLike) -> str:
    """Return ``Transform3D(...)`` of a 3×3 rotation matrix and an origin (row-major basis)."""
    values = _flat(basis) + _flat(origin)
    return f"Transform3D({', '.join(num(c) for c in values)})"


def packed_vector3(points: ArrayLike) -> str:
    """Return ``PackedVector3Array(...)`` of an N×3 array."""
    return f"PackedVector3Array({', '.join(num(c) for c in _flat(points))})"


def packed_bytes(data: bytes) -> str:
    """Return ``PackedByteArray(...)`` in the decimal form every Godot 4 version reads."""
    return f"PackedByteArray({', '.join(str(b) for b in data)})"


def typed_array(type_name: str, items: Iterable[str]) -> str:
    """Return a typed array literal ``Array[Type]([a, b])``."""
    return f"Array[{type_name}]([{', '.join(items)}])"


@dataclass(frozen=True)
class Ref:
    """A reference to a resource of the file being written, usable as a property value."""

    kind: str  # "ExtResource" or "SubResource"
    id: str

    def __str__(self) -> str:
        return f'{self.kind}("{self.id}")'


Props = Sequence[tuple[str, str]]
#: Property literals Godot does not write because they equal the default, by class name
#: or by script file name (``scenario_manager.gd``).
Defaults = dict[str, dict[str, str]]


@dataclass
class TextResource:
    """A ``.tscn`` or ``.tres`` under construction; sections are written in insertion order.

    Properties equal to their default in ``defaults`` (for the section's class, and for
    its script) are left out, as the Godot editor leaves them out when it saves.
    """

    header_type: str  # "gd_scene" or "gd_resource"
    resource_type: str = ""
    script_class: str = ""
    defaults: Defaults = field(default_factory=dict)
    _ext: list[tuple[str, str, str]] = field(default_factory=list)
    _sub: list[tuple[str, str, Props]] = field(default_factory=list)
    _body: list[str] = field(default_factory=list)

    def ext(self, type_name: str, path: str) -> Ref:
        """Add (once) an external resource at ``path`` and return its reference."""
        for kind, ext_path, ext_id in self._ext:
            if ext_path == path and kind == type_name:
                return Ref("ExtResource", ext_id)
        ext_id = f"{len(self._ext) + 1}_{type_name.lower()}"
        self._ext.append((type_name, path, ext_id))
        return Ref("ExtResource", ext_id)

    def sub(self, type_name: str, name: str, props: Props) -> Ref:
        """Add a sub-resource ``<type>_<name>`` with ``props`` and return its reference."""
        sub_id = f"{type_name}_{name}"
        if any(existing == sub_id for _, existing, _ in self._sub):
            raise ValueError(f"sub-resource id {sub_id!r} is used twice; give each a unique name")
        self._sub.append((type_name, sub_id, self._set(type_name, props)))
        return Ref("SubResource", sub_id)

    def node(
        self,
        name: str,
        type_name: str,
        parent: str | None,
        props: Props = (),
        groups: Sequence[str] = (),
    ) -> str:
        """Add a node section; return its path for children's ``parent``."""
        head = f'[node name="{name}" type="{type_name}"'
        if parent is not None:
            head += f' parent="{parent}"'
        if groups:
            head += f" groups=[{', '.join(string(g) for g in groups)}]"
        self._body.append(self._section(head + "]", self._set(type_name, props)))
        if parent is None:
            return "."
        return name if parent == "." else f"{parent}/{name}"

    def resource(self, props: Props) -> None:
        """Set the main ``[resource]`` section of a ``.tres``."""
        self._body.append(self._section("[resource]", props))

    def _set(self, type_name: str, props: Props) -> Props:
        """Return ``props`` without those equal to the class's or the script's default."""
        defaults = dict(self.defaults.get(type_name, {}))
        script = dict(props).get("script", "")
        for _kind, path, ext_id in self._ext:
            if script == str(Ref("ExtResource", ext_id)):
                defaults.update(self.defaults.get(path.rsplit("/", 1)[-1], {}))
        return [(key, value) for key, value in props if defaults.get(key) != value]

    def text(self) -> str:
        """Return the whole file."""
        steps = len(self._ext) + len(self._sub) + 1
        head = f"[{self.header_type}"
        if self.resource_type:
            head += f' type="{self.resource_type}"'
        if self.script_class:
            head += f' script_class="{self.script_class}"'
        sections = [f"{head} load_steps={steps} format=3]\n"]
        sections += [f'[ext_resource type="{t}" path="{p}" id="{i}"]\n' for t, p, i in self._ext]
        sections += [
            self._section(f'[sub_resource type="{t}" id="{i}"]', props) for t, i, props in self._sub
        ]
        sections += self._body
        return "\n".join(sections)

    @staticmethod
    def _section(head: str, props: Props) -> str:
        return head + "\n" + "".join(f"{key} = {value}\n" for key, value in props)
