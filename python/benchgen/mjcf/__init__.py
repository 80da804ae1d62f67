"""MJCF stage: scenario spec → MuJoCo model (``model.xml``)."""

from __future__ import annotations

from benchgen.mjcf.builder import (
    COLLISION_GROUP,
    VISUAL_GROUP,
    ZONE_COLOURS,
    add_placed_parts,
    build_mjspec,
    compile_mjspec,
    load_mjspec,
)

__all__ = [
    "COLLISION_GROUP",
    "VISUAL_GROUP",
    "ZONE_COLOURS",
    "add_placed_parts",
    "build_mjspec",
    "compile_mjspec",
    "load_mjspec",
]
