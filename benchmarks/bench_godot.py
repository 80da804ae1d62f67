"""Godot benchmark: N scenarios x M iterations (README target: 50 x 10 < 5 min).

    python benchmarks/bench_godot.py --scenarios 50 --iterations 10 --agent oracle
    python benchmarks/bench_godot.py --agent null --processes 1,2   # 1 against 2 processes

Scenarios are generated into a folder inside the Godot project (out/bench-godot), then run
with the chosen agent through `benchgen godot run`'s Python API (native Godot when one is
installed, else the official 4.6 web runtime in headless Chromium), once per entry of
``--processes`` (the scenes split over that many native Godot processes); every run's
per-scenario outcomes are compared with the first's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from benchgen.spec.ids import GODOT_AGENTS

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--agent", default="oracle", choices=GODOT_AGENTS)
    parser.add_argument(
        "--processes", default="1", help="comma-separated process counts, e.g. 1,2 (default 1)"
    )
    parser.add_argument("--keep", action="store_true", help="keep out/bench-godot afterwards")
    args = parser.parse_args()

    from benchgen.families import family_names
    from benchgen.godot.runtime import run_godot
    from benchgen.pipeline import generate

    out = REPO / "out" / "bench-godot"
    shutil.rmtree(out, ignore_errors=True)
    names = family_names()
    per_family = -(-args.scenarios // len(names))
    start = time.perf_counter()
    generate(names, count=per_family, seed=500, out=out, workers=2, renders=False, godot=True)
    print(f"generated {per_family * len(names)} scenarios in {time.perf_counter() - start:.1f} s")
    scenes = sorted(out.glob("*/*/godot/scene.tscn"))  # a whole number per family
    pattern = "res://out/bench-godot/*godot/scene.tscn"
    first: list[tuple[str, list[str]]] | None = None
    try:
        for processes in [int(n) for n in args.processes.split(",")]:
            load = os.getloadavg()[0]
            run = run_godot(
                [
                    f"--scenarios={pattern}",
                    f"--agent={args.agent}",
                    f"--iterations={args.iterations}",
                ],
                project_dir=REPO,
                on_line=None,
                timeout_s=3600,
                processes=processes,
            )
            rows = (run.results or {"scenarios": []})["scenarios"]
            outcomes = [(r["scene"], [i["outcome"] for i in r["iterations"]]) for r in rows]
            first = outcomes if first is None else first
            iterations = sum(len(r["iterations"]) for r in rows)
            successes = sum(r["successes"] for r in rows)
            same = sum(a == b for a, b in zip(outcomes, first, strict=False))
            print(
                f"{run.runtime} Godot, {processes} process(es): {len(rows)} scenarios x "
                f"{args.iterations} iterations = {iterations} iterations in {run.seconds:.1f} s "
                f"wall (engine start included), {successes}/{iterations} successes with the "
                f"{args.agent} agent; {same}/{len(first)} scenarios with the first run's "
                f"outcomes (load average {load:.1f} at the start; target: 50 x 10 < 300 s)"
            )
            if len(rows) != len(scenes):
                print(f"warning: {len(scenes)} scenes generated, {len(rows)} ran")
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
