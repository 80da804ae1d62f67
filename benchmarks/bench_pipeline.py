"""Pipeline benchmark: per-stage times, promoted scenarios per minute, overhead ratio, RSS.

Run by hand (full figures) or in CI as a smoke check (``--smoke``):

    python benchmarks/bench_pipeline.py --per-family 20 --workers 2
    python benchmarks/bench_pipeline.py --memory 1000     # RSS after 100 vs after 1000 builds

Targets (README.md, "Performance"): >= 100 promoted/min with 2 workers without renders;
pipeline time per scenario <= 1.5x the raw cost of the same build123d build plus a plain
mj_step loop of the same length on the same model; worker RSS < 1.5 GB and flat between
100 and 1000 builds.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def _raw_cost(family_name: str, seed: int, folder: Path, steps: int) -> tuple[float, float]:
    """Return (build123d seconds, mj_step seconds) for the same work without the pipeline."""
    import mujoco

    from benchgen.cad.geometry import build_geometry
    from benchgen.families import get_family

    family = get_family(family_name)
    layout = family.build(family.sample(seed))
    start = time.perf_counter()
    build_geometry(layout)
    cad = time.perf_counter() - start
    model = mujoco.MjModel.from_xml_path(str(folder / "model.xml"))
    data = mujoco.MjData(model)
    start = time.perf_counter()
    for _ in range(steps):
        mujoco.mj_step(model, data)
    return cad, time.perf_counter() - start


def serial_profile(per_family: int, out: Path) -> None:
    """Build scenarios in this process; print stage times and the overhead ratio."""
    from benchgen.families import family_names, get_family
    from benchgen.pipeline import build_scenario
    from benchgen.spec import load_spec

    stages: dict[str, list[float]] = defaultdict(list)
    ratios: dict[str, list[float]] = defaultdict(list)
    totals = []
    build_scenario(get_family("ramp_to_goal"), 999_999, out_root=out / "warm", godot=True)
    for name in family_names():
        family = get_family(name)
        for seed in range(per_family):
            start = time.perf_counter()
            outcome = build_scenario(family, seed, out_root=out, godot=True)
            total = time.perf_counter() - start
            if outcome.status != "promoted":
                continue
            for stage, secs in outcome.stage_seconds.items():
                stages[stage].append(secs)
            spec = load_spec(Path(outcome.folder))
            steps = sum(t.steps for t in spec.verification.trials)
            cad, step = _raw_cost(name, seed, Path(outcome.folder), steps)
            ratios[name].append(total / (cad + step))
            totals.append(total)
    print(
        f"serial: {len(totals)} promoted scenarios, "
        f"mean {statistics.mean(totals) * 1000:.0f} ms each"
    )
    print("stage          mean ms   share")
    grand = sum(sum(v) for v in stages.values())
    for stage, values in sorted(stages.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {stage:<12} {statistics.mean(values) * 1000:7.1f}   {sum(values) / grand:5.1%}")
    every = [r for values in ratios.values() for r in values]
    print(
        f"overhead ratio (pipeline / (build123d build + plain mj_step loop)): "
        f"median {statistics.median(every):.2f}, max {max(every):.2f}  (target <= 1.5)"
    )
    for name, values in ratios.items():
        print(f"  {name:<14} median {statistics.median(values):.2f}  max {max(values):.2f}")


def throughput(per_family: int, workers: int, out: Path) -> None:
    """Generate with a process pool; print promoted scenarios per minute."""
    from benchgen.families import family_names
    from benchgen.pipeline import generate

    start = time.perf_counter()
    report = generate(
        family_names(),
        count=per_family,
        seed=1000,
        out=out,
        workers=workers,
        renders=False,
        godot=True,
    )
    wall = time.perf_counter() - start
    promoted = sum(f.promoted for f in report.families)
    print(
        f"pool: {promoted} promoted with {workers} workers in {wall:.1f} s "
        f"(including worker start-up) = {promoted / wall * 60:.0f} promoted/min  (target >= 100)"
    )


def _rss_mb() -> float:
    """Return the current resident set size in MB (not the peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def memory(builds: int, out: Path) -> None:
    """Build many scenarios in one process; print RSS after 100 and at the end."""
    from benchgen.families import family_names, get_family
    from benchgen.pipeline import build_scenario

    names = family_names()
    marks = {}
    for i in range(builds):
        name = names[i % len(names)]
        folder = out / f"m{i % 4}"
        build_scenario(get_family(name), 5000 + i, out_root=folder, godot=True)
        shutil.rmtree(folder, ignore_errors=True)
        if i + 1 in (100, builds):
            marks[i + 1] = _rss_mb()
    for n, rss in marks.items():
        print(f"RSS after {n} builds: {rss:.0f} MB")
    if len(marks) == 2:
        first, last = marks[100], marks[builds]
        print(f"growth 100 -> {builds}: {(last - first) / first:+.1%}  (target within 10%)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-family", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", type=int, default=0, help="also measure RSS over N builds")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args()
    per_family = 2 if args.smoke else args.per_family
    out = Path(tempfile.mkdtemp(prefix="benchgen-bench-"))
    try:
        serial_profile(per_family, out / "serial")
        throughput(per_family * (1 if args.smoke else 2), args.workers, out / "pool")
        if args.memory:
            memory(args.memory, out / "memory")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
