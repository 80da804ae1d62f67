"""The ``__main__`` of a scenario's script.py: rebuild the scenario on its own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchgen.families.base import Family
from benchgen.pipeline.build import build_scenario

__all__ = ["main"]


def main(family_cls: type[Family], *, default_seed: int, default_params: dict[str, Any]) -> None:
    """Build the scenario of a script.py into ``--out`` (the script's ``__main__``)."""
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
