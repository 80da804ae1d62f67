"""godot stage: run a Godot project's benchmark, natively or in the official web runtime.

Export (``benchgen.export``) writes a scenario's Godot scene; this package starts Godot on
a project that holds such scenes (a native Godot 4 from :mod:`benchgen.godot.native`, the
user's own or the one ``benchgen godot setup --native`` provisions, else the web
template), collects the results JSON, and cross-checks the outcomes against MuJoCo on
each physics engine.
"""

from __future__ import annotations

from benchgen.godot.crosscheck import crosscheck
from benchgen.godot.native import NativeGodot, default_root, find_native_godot
from benchgen.godot.project import benchmark_scene
from benchgen.godot.runtime import (
    PHYSICS_ENGINES,
    RESULTS_PREFIX,
    RUNNER_SCENE,
    GodotRun,
    default_project_dir,
    ensure_web_template,
    run_godot,
)

__all__ = [
    "PHYSICS_ENGINES",
    "RESULTS_PREFIX",
    "RUNNER_SCENE",
    "GodotRun",
    "NativeGodot",
    "benchmark_scene",
    "crosscheck",
    "default_project_dir",
    "default_root",
    "ensure_web_template",
    "find_native_godot",
    "run_godot",
]
