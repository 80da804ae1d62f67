"""script.py of a scenario: the family's build123d source plus how to run it on its own."""

from __future__ import annotations

import argparse
import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchgen.families.base import Family

__all__ = ["main", "script_text"]

_FOOTER_MARK = "# --- benchgen scenario footer"
_FOOTER = """

{mark} ---------------------------------------------------------
# Scenario {scenario_id}, written by benchgen. Rebuild it on its own with
#     python script.py --seed {seed} --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = {seed}
SCENARIO_PARAMS = {params}

if __name__ == "__main__":
    from benchgen.cad.script import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
"""


def _family_source(family: Family) -> str:
    """Return the source of the module defining ``family``, without any earlier footer."""
    source = family.source_text
    if source is None:
        module = inspect.getmodule(type(family))
        source = (
            inspect.getsource(module) if module is not None else inspect.getsource(type(family))
        )
    return source.split(_FOOTER_MARK, 1)[0].rstrip() + "\n"


def script_text(family: Family, *, scenario_id: str, seed: int, params: dict[str, Any]) -> str:
    """Return script.py: the family module's source and a footer pinning seed and params."""
    params_text = json.dumps(params, indent=4, sort_keys=True)
    footer = _FOOTER.format(
        mark=_FOOTER_MARK, scenario_id=scenario_id, seed=seed, params=params_text
    )
    return _family_source(family) + footer


def main(family_cls: type[Family], *, default_seed: int, default_params: dict[str, Any]) -> None:
    """Build the scenario of a script.py into ``--out`` (the script's ``__main__``)."""
    from benchgen.pipeline.build import build_scenario

    parser = argparse.ArgumentParser(description=f"Build a {family_cls.name} scenario.")
    parser.add_argument("--seed", type=int, default=default_seed)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--renders", action="store_true", help="also render 24 views and a video")
    args = parser.parse_args()
    family = family_cls()
    overrides = default_params if args.seed == default_seed else None
    outcome = build_scenario(
        family, args.seed, out_root=args.out, overrides=overrides, renders=args.renders
    )
    print(f"{outcome.scenario_id}: {outcome.status} -> {outcome.folder}")
