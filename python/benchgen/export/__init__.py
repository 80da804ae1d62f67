"""export stage: a scenario's Godot scene, and the markers that keep the editor's importer out."""

from __future__ import annotations

from benchgen.export.godot_scene import export_scenario, mark_godot_ignored

__all__ = ["export_scenario", "mark_godot_ignored"]
