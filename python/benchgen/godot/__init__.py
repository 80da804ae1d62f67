"""godot stage: run the benchgen Godot project, natively or in the official web runtime.

Export (``benchgen.export``) writes a scenario's Godot scene; this package starts Godot on
a project that holds such scenes, collects the results JSON, and cross-checks the
outcomes against MuJoCo.
"""

from __future__ import annotations

from benchgen.godot.crosscheck import crosscheck
from benchgen.godot.runtime import (
    RESULTS_PREFIX,
    GodotRun,
    default_project_dir,
    ensure_web_template,
    find_native_godot,
    run_godot,
)

__all__ = [
    "RESULTS_PREFIX",
    "GodotRun",
    "crosscheck",
    "default_project_dir",
    "ensure_web_template",
    "find_native_godot",
    "run_godot",
]
