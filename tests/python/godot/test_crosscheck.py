"""verify --godot: which engines' agreement a scenario needs (no Godot started here)."""

from __future__ import annotations

from benchgen.godot.crosscheck import REQUIRED_ENGINES, required_checks_passed, required_engines
from benchgen.spec.models import FailureReason, VerificationCheck

JOLT, GODOT = "Jolt Physics", "GodotPhysics3D"


def _check(engine: str, passed: bool) -> VerificationCheck:
    reason = None if passed else FailureReason.ENGINE_DISAGREEMENT
    return VerificationCheck(name=f"godot_agreement[{engine}]", passed=passed, reason=reason)


def test_only_jolt_is_required_by_default() -> None:
    assert REQUIRED_ENGINES == ("jolt",)
    assert required_engines(None) == required_engines([]) == {JOLT}


def test_every_engine_named_is_required() -> None:
    assert required_engines(["godot"]) == {GODOT}
    assert required_engines(["jolt", "GodotPhysics3D"]) == {JOLT, GODOT}


def test_a_disagreement_fails_only_on_a_required_engine() -> None:
    checks = [_check(JOLT, True), _check(GODOT, False)]
    assert required_checks_passed(checks, {JOLT})
    assert not required_checks_passed(checks, {JOLT, GODOT})
    assert not required_checks_passed([_check(JOLT, False), _check(GODOT, True)], {JOLT})


def test_other_checks_are_not_its_business() -> None:
    other = VerificationCheck(name="solvable", passed=False, reason=FailureReason.TIMEOUT)
    assert required_checks_passed([other, _check(JOLT, True)], {JOLT})
