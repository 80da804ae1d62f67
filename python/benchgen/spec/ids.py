"""Names and ranges every stage, the HTTP API and the Godot addon share, defined once.

The addon keeps GDScript copies (``GODOT_AGENTS`` in ``runtime/run_args.gd`` and
``dock/dock.gd``, the agents of ``runtime/scenario_switcher.gd``, ``MAX_SEED`` as the seed
box's ``max_value`` in ``dock/dock.tscn``); ``tests/godot/test_shared_constants.py`` reads
them and fails when one drifts from the values here.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "FAMILY_PATTERN",
    "GODOT_AGENTS",
    "MAX_SEED",
    "NAME_MAX_LENGTH",
    "NAME_PATTERN",
    "SCENARIO_ID_PATTERN",
    "GodotAgent",
]

#: Seeds are 31-bit: they fit a Godot ``int``, a SQL ``INTEGER`` and a SpinBox.
MAX_SEED = 2**31 - 1
#: The longest family, part or placed-part name.
NAME_MAX_LENGTH = 48
#: A family, part or placed-part name: lower-case letters, digits and underscores.
NAME_PATTERN = rf"^[a-z][a-z0-9_]{{0,{NAME_MAX_LENGTH - 1}}}$"
FAMILY_PATTERN = NAME_PATTERN
#: ``<family>-<seed, at least 6 digits>-<6 hex of the parameters>``; nothing else is a scenario
#: id, so an id is safe as a folder name.
SCENARIO_ID_PATTERN = rf"^{NAME_PATTERN[1:-1]}-[0-9]{{6,{len(str(MAX_SEED))}}}-[0-9a-f]{{6}}$"

#: An agent the Godot benchmark runner can drive (``--agent=NAME``).
GodotAgent = Literal["null", "random", "oracle", "llm"]
GODOT_AGENTS: tuple[GodotAgent, ...] = get_args(GodotAgent)
