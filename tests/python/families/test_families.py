"""Every registered family: promotes its seeds, randomizes enough, names its parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.errors import InvalidSpecError, UnknownFamilyError
from benchgen.families import family_names, get_family
from benchgen.pipeline import build_scenario, generate
from benchgen.spec import load_spec
from benchgen.spec.ids import MAX_SEED

FAMILIES = family_names()


def test_at_least_six_families() -> None:
    assert len(FAMILIES) >= 6, FAMILIES


@pytest.mark.slow
@pytest.mark.parametrize("name", FAMILIES)
def test_family_promotes_several_seeds(name: str, tmp_path: Path) -> None:
    """The same holds across the randomization range: most seeds of a family promote.

    The gate rejects a seed whose shortcut works or whose reference is fragile; a family
    must still promote at least 3 of its first 8 seeds.
    """
    family = get_family(name)
    outcomes = [build_scenario(family, seed, out_root=tmp_path, godot=False) for seed in range(8)]
    promoted = [o for o in outcomes if o.status == "promoted"]
    details = "; ".join(
        f"seed {o.seed}: {o.detail[:120]}" for o in outcomes if o.status != "promoted"
    )
    assert len(promoted) >= 3, f"{name}: {len(promoted)}/8 promoted; {details}"


@pytest.mark.parametrize("name", FAMILIES)
def test_family_randomizes_by_at_least_40_percent(name: str) -> None:
    family = get_family(name)
    ranged = 0
    for field, info in family.Params.model_fields.items():
        lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if lo is None or hi is None or not isinstance(info.default, float):
            continue
        ranged += 1
        samples = [getattr(family.sample(seed), field) for seed in range(40)]
        assert min(samples) >= lo and max(samples) <= hi
        if hi - lo >= 0.79 * info.default:  # a ±40 % field must be explored across its range
            assert max(samples) - min(samples) > 0.5 * (hi - lo), field
    wide = [
        f
        for f, i in family.Params.model_fields.items()
        if any(getattr(m, "le", 0) >= 1.399 * i.default for m in i.metadata)
    ]
    assert ranged >= 4 and len(wide) >= 3, f"{name}: only {wide} vary by ±40 %"


@pytest.mark.parametrize("name", FAMILIES)
def test_every_range_is_40_percent_or_says_why_not(name: str) -> None:
    """A randomized dimension spans nominal × [0.6, 1.4], or the family names the reason."""
    family = get_family(name)
    for field, info in family.Params.model_fields.items():
        lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if field == "yaw_deg" or lo is None or hi is None or not info.default:
            continue
        wide = lo <= 0.6 * info.default + 1e-9 and hi >= 1.4 * info.default - 1e-9
        reason = family.narrow_ranges.get(field, "")
        assert wide or len(reason) > 20, f"{name}.{field} spans [{lo}, {hi}] with no reason"
    for field in family.narrow_ranges:
        assert field in family.Params.model_fields, f"{name}: no parameter {field!r}"


@pytest.mark.parametrize("name", FAMILIES)
def test_family_has_description_and_schema(name: str) -> None:
    family = get_family(name)
    assert family.description.strip()
    schema = family.params_schema()
    assert schema["type"] == "object" and schema["properties"]


def test_the_largest_seed_builds_and_one_more_is_refused(tmp_path: Path) -> None:
    """Seeds go up to MAX_SEED: the id and the spec keep all their digits; MAX_SEED + 1 fails."""
    family = get_family("push_to_goal")
    known_good = family.sample(3).model_dump()  # seed 3: promoted, robust to ±10 % jitter
    outcome = build_scenario(family, MAX_SEED, out_root=tmp_path, overrides=known_good, godot=False)
    assert outcome.status == "promoted", outcome.detail
    assert outcome.scenario_id.startswith("push_to_goal-2147483647-")
    spec = load_spec(tmp_path / "push_to_goal" / outcome.scenario_id / "scenario.json")
    assert spec.seed == MAX_SEED == 2**31 - 1
    with pytest.raises(InvalidSpecError, match=f"seed must be between 0 and {MAX_SEED}, got"):
        generate(["push_to_goal"], count=1, seed=MAX_SEED + 1, out=tmp_path)


def test_unknown_family_lists_the_available_ones() -> None:
    with pytest.raises(UnknownFamilyError, match=r"available: .*ramp_to_goal"):
        get_family("../../etc/passwd")


def test_override_out_of_range_is_rejected() -> None:
    with pytest.raises(InvalidSpecError, match="cube_side"):
        get_family("push_to_goal").sample(1, {"cube_side": 5.0})


def test_override_unknown_parameter_is_rejected() -> None:
    with pytest.raises(InvalidSpecError, match="no parameter 'colour'"):
        get_family("push_to_goal").sample(1, {"colour": 1})


def test_overrides_fix_values_and_change_the_id() -> None:
    family = get_family("push_to_goal")
    plain, fixed = family.sample(3), family.sample(3, {"cube_side": 0.05})
    assert fixed.cube_side == 0.05
    assert family.scenario_id(3, plain) != family.scenario_id(3, fixed)
