"""Eval throughput: episodes per second of the search baseline (benchgen eval's own loop).

    python benchmarks/bench_eval.py --per-family 10 --workers 2 --attempts 5
    python benchmarks/bench_eval.py --smoke        # CI: one scenario, two attempts

Generates (or reuses) a dataset in out/bench-eval without renders or Godot scenes, then runs
``benchgen eval``'s runner with the search agent (every attempt is a MuJoCo trial in the
process pool) and prints episodes per second, simulated seconds per wall second, and the
agent's share of the time. Not a test: timings belong here, on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-family", type=int, default=10)
    parser.add_argument("--family", action="append", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--attempts", type=int, default=5)
    parser.add_argument("--agent", default="search")
    parser.add_argument("--smoke", action="store_true", help="one push_to_goal scenario, K=2")
    parser.add_argument("--dataset", type=Path, help="evaluate this dataset instead")
    args = parser.parse_args()
    if args.smoke:
        args.per_family, args.family, args.attempts = 1, ["push_to_goal"], 2

    from benchgen.eval.agents import make_agents
    from benchgen.eval.dataset import load_dataset
    from benchgen.eval.runner import run_eval
    from benchgen.families import family_names
    from benchgen.pipeline import generate

    names = args.family or family_names()
    out = args.dataset or REPO / "out" / "bench-eval"
    start = time.perf_counter()
    if args.dataset is None:
        generate(
            names, count=args.per_family, seed=900, out=out, workers=2, renders=False, godot=False
        )
    scenarios = load_dataset(out, families=args.family, limit=args.per_family)
    print(f"dataset: {len(scenarios)} scenarios ({time.perf_counter() - start:.1f} s)")
    run = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    try:
        start = time.perf_counter()
        results = asyncio.run(
            run_eval(
                scenarios, make_agents([args.agent]), run=run, dataset=str(out),
                attempts=args.attempts, workers=args.workers, concurrency=2 * args.workers,
            )
        )  # fmt: skip
        wall = time.perf_counter() - start
    finally:
        shutil.rmtree(run, ignore_errors=True)
    score = results.agents[0]
    print(
        f"{args.agent}: {score.episodes} episodes on {len(scenarios)} scenarios in {wall:.1f} s "
        f"with {args.workers} workers = {score.episodes / wall:.2f} episodes/s "
        f"(judging {score.sim_seconds:.1f} s of worker time, agent {score.agent_seconds:.2f} s); "
        f"success@1 {score.success_at_1:.1%}, success@{args.attempts} {score.success_at_k:.1%}, "
        f"AUCCESS {score.auccess:.3f}"
    )


if __name__ == "__main__":
    main()
