"""Pipeline: one scenario from family and seed to a verified folder, and batches of them."""

from __future__ import annotations

from benchgen.pipeline.batch import FamilyProgress, GenerateReport, check_output_folder, generate
from benchgen.pipeline.build import BuildOutcome, build_scenario, make_spec
from benchgen.pipeline.reverify import rebuild_check, reverify_folder

__all__ = [
    "BuildOutcome",
    "FamilyProgress",
    "GenerateReport",
    "build_scenario",
    "check_output_folder",
    "generate",
    "make_spec",
    "rebuild_check",
    "reverify_folder",
]
