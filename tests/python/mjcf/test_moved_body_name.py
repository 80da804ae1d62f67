"""The seed's reference implementation finds benchgen's moved object by its body name."""

from __future__ import annotations

import re
from pathlib import Path

import mujoco

from benchgen.spec import load_spec


def seed_finds(name: str) -> bool:
    """The rule of the seed's success check: exact names, a prefix, or key words."""
    return (
        name in ("target_box", "projectile_ball")
        or name.startswith("benchmark_moved_object__")
        or re.search(r"target|ball|bucket", name) is not None
    )


def test_the_moved_body_is_found_by_the_seeds_rule(ramp_dataset: Path) -> None:
    for folder in ramp_dataset.glob("*/*/"):
        spec = load_spec(folder)
        model = mujoco.MjModel.from_xml_path(str(folder / "model.xml"))
        bodies = [model.body(i).name for i in range(model.nbody)]
        found = [b for b in bodies if seed_finds(b)]
        assert found == [spec.moved_object.body], bodies  # exactly the moved object
