"""export stage."""

from __future__ import annotations

from benchgen.export.godot_scene import export_scenario

__all__ = ["export_scenario"]
