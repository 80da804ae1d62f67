"""Inside the sandbox: rebuild a scenario from a script.py benchgen did not write itself.

Run by :func:`benchgen.pipeline.reverify.rebuild_check` as
``python _rebuild_child.py SCRIPT SEED PARAMS_JSON GODOT`` in a sandbox workspace holding
a copy of the script; the scenario is built into ``out/`` of that workspace, which the
host then reads back as regular files only and checks byte for byte. The last line of
output is ``BENCHGEN_REBUILD <json>``: the status, or the error.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

MARKER = "BENCHGEN_REBUILD "


def main(argv: list[str]) -> int:
    """Build the scenario and print the marker line."""
    script, seed, params, godot = argv
    try:
        from benchgen.families import load_family_file
        from benchgen.pipeline.build import build_scenario

        family = load_family_file(Path(script))
        outcome = build_scenario(
            family,
            int(seed),
            out_root=Path("out"),
            overrides=json.loads(params),
            godot=godot == "1",
        )
        result = {"status": outcome.status, "scenario_id": outcome.scenario_id}
    except Exception as exc:
        result = {"status": "error", "error": "".join(traceback.format_exception(exc))[-3000:]}
    sys.stdout.write("\n" + MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
