"""The addon's GDScript copies of shared constants match benchgen.spec.ids (no Godot run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchgen.spec.ids import GODOT_AGENTS, MAX_SEED

ADDON = Path(__file__).resolve().parents[2] / "addons" / "benchgen"


def _packed_strings(script: str, const: str) -> tuple[str, ...]:
    """Return the items of ``const NAME: PackedStringArray = [...]`` in a .gd file."""
    text = (ADDON / script).read_text(encoding="utf-8")
    found = re.search(rf"^const {const}: PackedStringArray = \[(.*?)\]$", text, re.M)
    assert found, f"{script} has no `const {const}: PackedStringArray = [...]`"
    return tuple(re.findall(r'"([^"]*)"', found.group(1)))


@pytest.mark.parametrize(
    ("script", "const"),
    [
        pytest.param("runtime/run_args.gd", "AGENTS", id="run_args"),
        pytest.param("dock/dock.gd", "AGENTS", id="dock"),
    ],
)
def test_agent_lists_match(script: str, const: str) -> None:
    assert _packed_strings(script, const) == GODOT_AGENTS


def test_the_switcher_has_a_script_for_every_agent() -> None:
    text = (ADDON / "runtime/scenario_switcher.gd").read_text(encoding="utf-8")
    block = re.search(r"^const _AGENTS := \{(.*?)^\}", text, re.M | re.S)
    assert block, "runtime/scenario_switcher.gd has no `const _AGENTS := {...}`"
    assert tuple(re.findall(r'^\s*"([^"]+)":', block.group(1), re.M)) == GODOT_AGENTS


def test_the_runner_usage_names_every_agent() -> None:
    text = (ADDON / "runtime/run_args.gd").read_text(encoding="utf-8")
    assert f"--agent=NAME       {' | '.join(GODOT_AGENTS)} " in text


def test_the_dock_seed_box_stops_at_max_seed() -> None:
    text = (ADDON / "dock/dock.tscn").read_text(encoding="utf-8")
    node = re.search(r'\[node name="SeedSpin"[^\]]*\]\n(.*?)(?:\n\n|\Z)', text, re.S)
    assert node, "dock/dock.tscn has no SeedSpin node"
    assert f"max_value = {float(MAX_SEED)}" in node.group(1), node.group(1)
