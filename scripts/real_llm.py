"""Run benchgen eval with a real small LLM served here (SmolLM2-135M via llama.cpp).

    .venv/bin/python scripts/real_llm.py --dataset scenarios --limit 1 --attempts 2

Serves the model (pip extra llm-local) on a free 127.0.0.1 port, writes an LLM configuration
``smollm2`` for it, runs ``benchgen eval DATASET --agent llm --config smollm2`` and prints the
leaderboard row with its tokens and seconds. The model solves little; the point is that every
one of its answers is scored and recorded (INVALID_ACTION, a failure reason, or a success),
never a crash. The server is stopped at the end, also on error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path("scenarios"))
    parser.add_argument("--limit", type=int, default=1, help="scenarios per family")
    parser.add_argument("--family", action="append", default=None)
    parser.add_argument("--attempts", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("out/real-llm"))
    args = parser.parse_args()

    from benchgen.eval.local_llm import serve_local_llm

    started = time.perf_counter()
    with serve_local_llm() as config, tempfile.TemporaryDirectory() as tmp:
        entry = config.model_dump(exclude={"name"})  # type: ignore[attr-defined]
        path = Path(tmp) / "llm_configs.yaml"
        path.write_text(yaml.safe_dump({"configs": {"smollm2": entry}}))
        print(
            f"serving SmolLM2-135M at {entry['base_url']} ({time.perf_counter() - started:.1f} s)"
        )
        cmd = [
            sys.executable, "-m", "benchgen.cli", "eval", str(args.dataset), "--agent", "llm",
            "--config", "smollm2", "--attempts", str(args.attempts), "--limit", str(args.limit),
            "--out", str(args.out), "--concurrency", "1",
        ]  # fmt: skip
        for family in args.family or []:
            cmd += ["--family", family]
        done = subprocess.run(cmd, env={**os.environ, "BENCHGEN_LLM_CONFIG": str(path)})
        if done.returncode != 0:
            return done.returncode
    results = json.loads((args.out / "results.json").read_text())
    for score in results["agents"]:
        print(
            f"{score['agent']}: {score['tasks']} scenarios, "
            f"success@1 {score['success_at_1']:.1%}, "
            f"success@{score['attempts']} {score['success_at_k']:.1%}, "
            f"AUCCESS {score['auccess']:.3f}, "
            f"{score['episodes']} episodes, {score['tokens']:,} tokens "
            f"({score['prompt_tokens']:,} prompt + {score['completion_tokens']:,} completion) in "
            f"{score['llm_calls']} calls, {score['agent_seconds']:.1f} s in the model, "
            f"{score['sim_seconds']:.1f} s simulating; failures {score['failures']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
