"""Pipeline: one scenario from family and seed to a verified folder, and batches of them."""

from __future__ import annotations

from benchgen.pipeline.batch import FamilyProgress, GenerateReport, check_output_folder, generate
from benchgen.pipeline.build import BuildOutcome, build_scenario, file_hashes, scenario_folder

__all__ = [
    "BuildOutcome",
    "FamilyProgress",
    "GenerateReport",
    "build_scenario",
    "check_output_folder",
    "file_hashes",
    "generate",
    "scenario_folder",
]
