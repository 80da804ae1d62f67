"""The scenario contract: field names other tools read, validation messages, JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchgen.errors import InvalidSpecError
from benchgen.spec import Box, dump_spec, load_spec, spec_json_schema


def test_box_rejects_min_above_max() -> None:
    with pytest.raises(ValueError, match="axis y has min=2"):
        Box(min=[0, 2, 0], max=[1, 1, 1])


def test_schema_keeps_the_contract_field_names() -> None:
    props = spec_json_schema()["properties"]
    for name in (
        "id",
        "family",
        "seed",
        "params",
        "units",
        "workspace",
        "build_zone",
        "goal_zone",
        "forbid_zones",
        "moved_object",
        "static_parts",
        "reference_solution",
        "verification",
        "files",
    ):
        assert name in props
    box = spec_json_schema()["$defs"]["Box"]["properties"]
    assert set(box) == {"min", "max"}
    assert "body" in spec_json_schema()["$defs"]["MovedObject"]["properties"]


def test_generated_specs_validate_against_the_json_schema(ramp_dataset: Path) -> None:
    import jsonschema

    schema = spec_json_schema()
    for path in ramp_dataset.glob("*/*/scenario.json"):
        jsonschema.validate(json.loads(path.read_text()), schema)


def test_roundtrip_is_byte_identical(ramp_dataset: Path) -> None:
    path = next(ramp_dataset.glob("*/*/scenario.json"))
    assert dump_spec(load_spec(path)) == path.read_text()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(lambda d: d.pop("goal_zone"), "goal_zone", id="missing-field"),
        pytest.param(lambda d: d["units"].update(length="mm"), "units.length", id="millimetres"),
        pytest.param(lambda d: d.update(seed=-1), "seed", id="negative-seed"),
        pytest.param(
            lambda d: d["moved_object"].update(mass=0), "moved_object.mass", id="zero-mass"
        ),
    ],
)
def test_bad_spec_names_the_field(ramp_dataset: Path, tmp_path: Path, mutate, message) -> None:
    data = json.loads(next(ramp_dataset.glob("*/*/scenario.json")).read_text())
    mutate(data)
    bad = tmp_path / "scenario.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(InvalidSpecError, match=message.replace(".", r"\.")):
        load_spec(bad)


def test_corrupted_json_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "scenario.json"
    bad.write_text('{"id": ')
    with pytest.raises(InvalidSpecError, match=r"not valid JSON .line 1"):
        load_spec(bad)


def test_scenario_json_states_its_units(ramp_dataset: Path) -> None:
    """Other tools read the units from the file itself, so the writer must not drop defaults."""
    raw = json.loads(next(ramp_dataset.glob("*/*/scenario.json")).read_text())
    assert raw["units"] == {"length": "m", "mass": "kg", "time": "s", "up_axis": "z"}


@pytest.mark.parametrize("name", ["scenario", "problem", "solution"])
def test_committed_json_schema_is_current(repo_root: Path, name: str) -> None:
    """docs/<name>.schema.json is what other tools read: it must match the models."""
    import benchgen.spec

    make = getattr(benchgen.spec, f"{'spec' if name == 'scenario' else name}_json_schema")
    committed = json.loads((repo_root / "docs" / f"{name}.schema.json").read_text())
    assert committed == make(), (
        f"regenerate docs/{name}.schema.json: python -c 'import json, benchgen.spec as s; "
        f"print(json.dumps(s.{make.__name__}(), indent=2, sort_keys=True))' "
        f"> docs/{name}.schema.json"
    )
