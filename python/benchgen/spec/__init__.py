"""Scenario spec: the pydantic models every stage reads and writes."""

from __future__ import annotations

from benchgen.spec.io import dump_spec, load_spec, spec_json_schema
from benchgen.spec.models import (
    SCHEMA_VERSION,
    Box,
    FailureReason,
    MovedObject,
    Part,
    Piece,
    PlacedPart,
    Pose,
    Push,
    ReferenceSolution,
    ScenarioSpec,
    TrialResult,
    Units,
    Verification,
    VerificationCheck,
)

__all__ = [
    "SCHEMA_VERSION",
    "Box",
    "FailureReason",
    "MovedObject",
    "Part",
    "Piece",
    "PlacedPart",
    "Pose",
    "Push",
    "ReferenceSolution",
    "ScenarioSpec",
    "TrialResult",
    "Units",
    "Verification",
    "VerificationCheck",
    "dump_spec",
    "load_spec",
    "spec_json_schema",
]
