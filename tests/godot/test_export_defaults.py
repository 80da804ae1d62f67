"""fixtures/export_defaults.json is the exporter's table of Godot defaults, kept current.

test_export_defaults.gd checks every entry against the running engine (in each Godot
session of test_godot_runtime.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from benchgen.export.godot_scene import _DEFAULTS

TABLE = Path(__file__).parent / "fixtures" / "export_defaults.json"


def test_the_table_the_godot_test_reads_is_the_exporters() -> None:
    assert json.loads(TABLE.read_text(encoding="utf-8")) == _DEFAULTS, (
        "regenerate it: python -c 'import json; from benchgen.export.godot_scene import "
        "_DEFAULTS; print(json.dumps(_DEFAULTS, indent=2, sort_keys=True))' "
        "> tests/godot/fixtures/export_defaults.json"
    )
