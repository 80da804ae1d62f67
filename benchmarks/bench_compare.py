"""Before/after: the same measurements against two benchgen trees, interleaved, in one run.

    python benchmarks/bench_compare.py --base 0813df3          # a revision or a checkout
    python benchmarks/bench_compare.py --base 0813df3 --smoke  # one short round

Each measurement (``_measure.py``) runs in a child process whose PYTHONPATH is one tree's
``python/`` folder (a revision is exported with ``git archive``), on the same families and
seeds; the trees take turns (before, after, then after, before, ...) so that a change of
machine load hits both alike, and each figure is the median over the rounds. Printed:

- render CPU seconds per scenario (every thread, ffmpeg included) and wall seconds: both
  trees render copies of the same promoted folders;
- per attempt without renders, serial: seconds, CAD ms (its stage), and pipeline time
  over the time inside ``mj_step`` (the MuJoCo work);
- promoted per minute with a pool of ``--workers``, with and without renders;
- worker RSS after 100 and after ``--memory`` scenarios with renders (after only, unless
  ``--memory-base``);
- with ``--dock``, the dock's wait from Generate to the first thumbnail through the HTTP
  API against each tree's own ``benchgen serve`` (``bench_dock.py``);
- byte identity: scenario.json (its renders' hashes aside), model.xml and the meshes of
  every scenario, and every verdict, must be the same from both trees.

The machine's load average is printed at the start, after each round and at the end:
figures taken while other work runs are noisy, CPU seconds less than wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NEW = HERE.parent


def _script(tree: Path, script: str, *args: str, timeout: float) -> dict[str, Any]:
    """Run ``benchmarks/SCRIPT ARGS`` against ``tree``; return the JSON it printed last."""
    env = {**os.environ, "PYTHONPATH": str(tree / "python"), "MUJOCO_GL": "egl"}
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        name = " ".join([script, *args[:1]])
        raise RuntimeError(f"{name} failed in {tree}:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _child(tree: Path, mode: str, timeout: float = 7200, **arguments: Any) -> dict[str, Any]:
    """Run ``_measure.py MODE`` against ``tree``; return the JSON it printed last."""
    return _script(tree, "_measure.py", mode, json.dumps(arguments), timeout=timeout)


def _dock(tree: Path) -> float:
    """Median seconds from Generate to the first thumbnail (``bench_dock.py``) for ``tree``."""
    run = _script(tree, "bench_dock.py", "--json", "--jobs", "2", timeout=1800)
    return float(run["first_thumbnail_s"])


def _tree(base: str, scratch: Path) -> Path:
    """Return a checkout of ``base``: the folder itself, or the revision exported into scratch."""
    if Path(base).is_dir():
        return Path(base).resolve()
    out = scratch / "base"
    out.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(NEW), "archive", "--format=tar", base],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SystemExit(
            f"--base {base!r} is neither a folder nor a revision of {NEW}: "
            f"{archive.stderr.decode().strip()}; pass a checkout or a commit"
        )
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _per_attempt(serial: dict[str, Any]) -> dict[str, float]:
    """Per-attempt figures of one serial run without renders."""
    attempts = serial["attempts"]
    wall = sum(a["wall"] for a in attempts)
    steps = sum(a["step_s"] or 0.0 for a in attempts)
    return {
        "attempt_s": wall / len(attempts),
        "cad_ms": 1000 * statistics.mean(a["stages"].get("cad", 0.0) for a in attempts),
        "mujoco_ratio": wall / steps if steps else float("nan"),
    }


def _identity(base: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return every difference of verdicts or bytes between the trees' runs."""
    problems = []
    for old, now in zip(base["attempts"], new["attempts"], strict=True):
        key = f"{old['family']}/{old['seed']}"
        for field in ("status", "reasons", "detail"):
            if old[field] != now[field]:
                problems.append(f"{key}: {field} {old[field]!r} != {now[field]!r}")
        if old["digest"] != now["digest"]:
            differ = sorted(
                k
                for k in set(old["digest"]) | set(now["digest"])
                if old["digest"].get(k) != now["digest"].get(k)
            )
            problems.append(f"{key}: bytes differ in {', '.join(differ)}")
    return problems


def _row(name: str, before: float, after: float, unit: str, better: str = "lower") -> str:
    if before != before or after != after or not before or not after:  # NaN or zero
        change = ""
    elif better == "lower":
        change = f"{before / after:.1f}× less"
    else:
        change = f"{after / before:.1f}× more"
    return f"| {name} | {before:.3g} {unit} | {after:.3g} {unit} | {change} |"


def _round(
    trees: dict[str, Path], round_: int, folders: list[str], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """Measure every figure once per tree, in this round's order; return them by tree."""
    families = args.families.split(",")
    seeds = list(range(args.seeds))
    figures: dict[str, dict[str, float]] = {}
    order = list(trees.items()) if round_ % 2 == 0 else list(trees.items())[::-1]
    for label, tree in order:
        got: dict[str, float] = {}
        rendered = _child(tree, "render", folders=folders)["scenarios"]
        got["render_cpu_s"] = _median([r["cpu"] for r in rendered])
        got["render_wall_s"] = _median([r["wall"] for r in rendered])
        got["render_mb"] = _median([r["bytes"] / 1e6 for r in rendered])
        plain = _child(tree, "serial", families=families, seeds=seeds, renders=False)
        got.update(_per_attempt(plain))
        for renders in (False, True):
            run = _child(
                tree,
                "pool",
                families=families,
                count=args.count,
                seed=1000 + 97 * round_,
                workers=args.workers,
                renders=renders,
            )
            got["per_min_renders" if renders else "per_min"] = run["promoted"] / run["wall"] * 60
        if args.dock:
            got["dock_first_s"] = _dock(tree)
        figures[label] = got
        print(f"#   round {round_ + 1} {label} done, {_load()}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="the old tree: a checkout or a revision")
    parser.add_argument("--new", type=Path, default=NEW, help="the new tree (default: this one)")
    parser.add_argument(
        "--families", default="push_to_goal,gap_bridge,stopper,two_plank_bridge,ramp_jump"
    )
    parser.add_argument("--identity-families", default="all", help="'all' or a list")
    parser.add_argument("--seeds", type=int, default=4, help="serial seeds per family")
    parser.add_argument("--count", type=int, default=3, help="promoted per family (pool)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", type=int, default=0, help="RSS run of N scenarios; 0: none")
    parser.add_argument("--memory-base", action="store_true")
    parser.add_argument(
        "--dock", action="store_true", help="also the dock's wait for a first thumbnail (HTTP)"
    )
    parser.add_argument("--smoke", action="store_true", help="one short round")
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.seeds, args.count, args.memory = 1, 2, 1, 0
        args.families, args.identity_families = "push_to_goal", "push_to_goal"
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch:
        trees = {"before": _tree(args.base, Path(scratch)), "after": args.new.resolve()}
        print(f"# bench_compare: {time.strftime('%Y-%m-%d %H:%M')}, {_load()}")
        for label, tree in trees.items():
            print(f"#   {label}: {tree}")
        # The render inputs: promoted folders built once (by the new tree; the bytes are
        # the same from both, which the identity check below shows).
        built = _child(
            trees["after"],
            "serial",
            families=args.families.split(","),
            seeds=list(range(args.seeds)),
            renders=False,
            clock=False,
            warm=False,
            out=str(Path(scratch) / "inputs"),
        )
        folders = [a["folder"] for a in built["attempts"] if a["status"] == "promoted"]
        rounds = [_round(trees, r, folders, args) for r in range(args.rounds)]
        figures = {
            label: {key: [r[label][key] for r in rounds] for key in rounds[0][label]}
            for label in trees
        }
        names = args.identity_families
        families: str | list[str] = "all" if names == "all" else names.split(",")
        runs = {
            label: _child(tree, "identity", families=families, seeds=list(range(args.seeds)))
            for label, tree in trees.items()
        }
        problems = _identity(runs["before"], runs["after"])
        memory: dict[str, dict[str, float]] = {}
        for label, tree in trees.items():
            if args.memory and (label == "after" or args.memory_base):
                marks = [100, args.memory]
                run = _child(tree, "memory", builds=args.memory, renders=True, marks=marks)
                memory[label] = run["rss_mb"]
        _report(figures, memory, problems, runs["after"], len(folders), args)
    print(f"# end: {_load()}")
    if problems:
        sys.exit(1)


def _report(
    figures: dict[str, dict[str, list[float]]],
    memory: dict[str, dict[str, float]],
    problems: list[str],
    identity: dict[str, Any],
    rendered: int,
    args: argparse.Namespace,
) -> None:
    med = {label: {k: _median(v) for k, v in f.items()} for label, f in figures.items()}
    b, a = med["before"], med["after"]
    print(f"\n{args.rounds} round(s), medians; families {args.families}; {rendered} scenarios")
    print(f"rendered; {args.seeds} seeds serial; {args.count} promoted per family per pool run")
    print(f"with {args.workers} workers.\n")
    print("| figure | before | after | change |")
    print("|---|---|---|---|")
    print(_row("render CPU s / scenario", b["render_cpu_s"], a["render_cpu_s"], "s"))
    print(_row("render wall s / scenario", b["render_wall_s"], a["render_wall_s"], "s"))
    print(_row("render output / scenario", b["render_mb"], a["render_mb"], "MB"))
    print(_row("promoted/min, no renders", b["per_min"], a["per_min"], "", "higher"))
    print(_row("promoted/min, renders", b["per_min_renders"], a["per_min_renders"], "", "higher"))
    share = {k: m["per_min_renders"] / m["per_min"] for k, m in med.items()}
    print(f"| renders ÷ no renders | {share['before']:.0%} | {share['after']:.0%} | ≥ 30 % |")
    print(_row("CAD ms / attempt", b["cad_ms"], a["cad_ms"], "ms"))
    print(_row("pipeline ÷ mj_step time", b["mujoco_ratio"], a["mujoco_ratio"], "×"))
    print(_row("s / attempt, no renders", b["attempt_s"], a["attempt_s"], "s"))
    if "dock_first_s" in b:
        print(_row("Generate → first thumbnail (HTTP)", b["dock_first_s"], a["dock_first_s"], "s"))
    for label, rss in memory.items():
        values = list(rss.values())
        marks = ", ".join(f"{n}: {v:.0f} MB" for n, v in rss.items())
        growth = (values[-1] - values[0]) / values[0]
        print(f"| RSS with renders ({label}) | {marks} | {growth:+.1%} | within 10 % |")
    print("\nevery round (before | after):")
    for key in sorted(figures["before"]):
        before = [round(v, 3) for v in figures["before"][key]]
        after = [round(v, 3) for v in figures["after"][key]]
        print(f"  {key:16s} {before} | {after}")
    attempts = identity["attempts"]
    promoted = sum(x["status"] == "promoted" for x in attempts)
    verdict = "identical verdicts and bytes" if not problems else f"{len(problems)} DIFFERENCES"
    print(
        f"\nbyte identity: {len(attempts)} attempts of "
        f"{len({x['family'] for x in attempts})} families, {promoted} promoted: {verdict}"
    )
    for problem in problems[:20]:
        print(f"  {problem}")


if __name__ == "__main__":
    main()
