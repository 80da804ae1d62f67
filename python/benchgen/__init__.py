"""benchgen: randomized, physics-verified benchmark scenarios, exported as Godot 4 scenes.

The names below are the public Python API; each stage package (``benchgen.spec`` ...
``benchgen.cli``, see docs/architecture.md) has more. They are loaded on first use, so
``import benchgen.errors`` or ``benchgen --help`` does not pay for build123d and MuJoCo.
Importing benchgen changes no environment variable: the render stage chooses MuJoCo's GL
backend itself (``benchgen.render._gl``).

Example::

    import benchgen

    report = benchgen.generate(["ramp_to_goal"], count=2, seed=7, out=Path("out"))
    print(benchgen.verify_folder(next(Path("out/ramp_to_goal").iterdir())).ok)
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

from benchgen._lazy import lazy_exports

if TYPE_CHECKING:
    from benchgen.errors import BenchgenError
    from benchgen.export import export_scenario
    from benchgen.families import Family, family_names, get_family
    from benchgen.pipeline import build_scenario, generate, reverify_folder
    from benchgen.render import render_scenario
    from benchgen.spec import ScenarioSpec, dump_spec, load_spec
    from benchgen.verify import verify_folder

try:
    __version__ = metadata.version("benchgen")
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "BenchgenError",
    "Family",
    "ScenarioSpec",
    "__version__",
    "build_scenario",
    "dump_spec",
    "export_scenario",
    "family_names",
    "generate",
    "get_family",
    "load_spec",
    "render_scenario",
    "reverify_folder",
    "verify_folder",
]

_HOME = {
    "BenchgenError": "benchgen.errors",
    "ScenarioSpec": "benchgen.spec",
    "dump_spec": "benchgen.spec",
    "load_spec": "benchgen.spec",
    "Family": "benchgen.families",
    "family_names": "benchgen.families",
    "get_family": "benchgen.families",
    "verify_folder": "benchgen.verify",
    "render_scenario": "benchgen.render",
    "export_scenario": "benchgen.export",
    "build_scenario": "benchgen.pipeline",
    "generate": "benchgen.pipeline",
    "reverify_folder": "benchgen.pipeline",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOME)
