"""Verify stage: static validation, MuJoCo trials and the promotion gate."""

from __future__ import annotations

from benchgen.verify.folder import FolderReport, find_scenarios, verify_folder
from benchgen.verify.gate import dynamic_checks, run_gate
from benchgen.verify.simulate import TrialZones, run_trial, simulate, trial_model
from benchgen.verify.validate import validate, validate_family, validate_layout

__all__ = [
    "FolderReport",
    "TrialZones",
    "dynamic_checks",
    "find_scenarios",
    "run_gate",
    "run_trial",
    "simulate",
    "trial_model",
    "validate",
    "validate_family",
    "validate_layout",
    "verify_folder",
]
