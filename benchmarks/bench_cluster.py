"""Cluster benchmark: promoted scenarios per minute through Temporal vs the process pool.

Starts the bundled Temporal dev server on a free 127.0.0.1 port and ``--workers`` worker
processes (``run_worker`` with one build process each), warms them up with one job, then
times a second job; the process pool (``benchgen.pipeline.generate``) builds the same
seeds with the same number of processes. No renders; Godot export on, as in production.

    python benchmarks/bench_cluster.py --per-family 10 --workers 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = (
    "import sys; from benchgen.orchestration.worker import run_worker; "
    "run_worker(sys.argv[1], sys.argv[2], max_concurrent=1)"
)


def _rate(report: object, seconds: float) -> tuple[int, float]:
    promoted = sum(o.status == "promoted" for o in report.outcomes)  # type: ignore[attr-defined]
    return promoted, promoted / seconds * 60


def bench_cluster(per_family: int, workers: int, out: Path) -> None:
    from benchgen.families import family_names
    from benchgen.orchestration import DevServer, free_port, generate_on_cluster

    names = family_names()
    with DevServer(port=free_port()) as server:
        procs = [
            subprocess.Popen([sys.executable, "-c", WORKER, server.address, "bench"])
            for _ in range(workers)
        ]
        try:
            job = {"address": server.address, "task_queue": "bench", "godot": True}
            start = time.perf_counter()
            generate_on_cluster(names, count=1, seed=500_000, out=out / "warm", **job)
            print(f"cluster: workers up and warm after {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            report = generate_on_cluster(names, count=per_family, seed=0, out=out / "c", **job)
            seconds = time.perf_counter() - start
        finally:
            for proc in procs:
                proc.terminate()  # SIGTERM: graceful shutdown of the worker and its pool
            for proc in procs:
                try:
                    proc.wait(timeout=70)
                except subprocess.TimeoutExpired:
                    proc.kill()
    promoted, rate = _rate(report, seconds)
    attempts = len(report.outcomes)
    print(
        f"cluster ({workers} worker processes, warm): {promoted} promoted / {attempts} attempts "
        f"in {seconds:.1f} s = {rate:.0f} promoted/min"
    )


def bench_pool(per_family: int, workers: int, out: Path) -> None:
    from benchgen.families import family_names
    from benchgen.pipeline import generate

    start = time.perf_counter()
    report = generate(family_names(), count=per_family, seed=0, out=out, workers=workers)
    seconds = time.perf_counter() - start
    promoted, rate = _rate(report, seconds)
    print(
        f"process pool ({workers} processes, start-up included): {promoted} promoted / "
        f"{len(report.outcomes)} attempts in {seconds:.1f} s = {rate:.0f} promoted/min"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("MUJOCO_GL", "egl")
    out = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        print(f"{os.cpu_count()} CPUs; {args.per_family} promoted per family, no renders")
        bench_cluster(args.per_family, args.workers, out / "cluster")
        bench_pool(args.per_family, args.workers, out / "pool")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
