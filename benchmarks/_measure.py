"""What the benchmarks measure, run in a child process against one benchgen tree.

Every function uses only the API both the current tree and an older one have
(``build_scenario``, ``generate``, ``family_names``, ``get_family``), so
``bench_compare.py`` can run the same measurement against two trees on the same seeds:

    PYTHONPATH=TREE/python python benchmarks/_measure.py MODE '{"json": "arguments"}'

prints one JSON line with the figures. ``bench_pipeline.py`` and ``bench_dock.py`` call
these functions in their own process for a single tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("MUJOCO_GL", "egl")

#: Files a rebuild must reproduce byte for byte, compared between trees (renders are not).
IDENTICAL = ("scenario.json", "model.xml", "meshes/")


def cpu_seconds() -> float:
    """Return the CPU time of this process (all threads) and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def rss_mb() -> float:
    """Return the current resident set size in MB (not the peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


class StepClock:
    """Time spent inside ``mujoco.mj_step`` (the MuJoCo work), by wrapping it."""

    def __init__(self) -> None:
        import mujoco

        self.seconds = 0.0
        self.calls = 0
        self._mujoco = mujoco
        self._step = mujoco.mj_step

    def __enter__(self) -> StepClock:
        step = self._step

        def timed(*args: Any, **kwargs: Any) -> None:
            start = time.perf_counter()
            step(*args, **kwargs)
            self.seconds += time.perf_counter() - start
            self.calls += 1

        self._mujoco.mj_step = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self._mujoco.mj_step = self._step


def folder_digest(folder: Path) -> dict[str, str]:
    """Return the sha256 of scenario.json, model.xml and every mesh of a scenario folder.

    scenario.json lists the hash of every file, renders included; its ``files`` entries
    under ``renders/`` are dropped before hashing, since renders are not reproducible bytes
    (and differ on purpose between render settings); everything else in it must match.
    """
    digests = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or not rel.startswith(IDENTICAL):
            continue
        data = path.read_bytes()
        if rel == "scenario.json":
            spec = json.loads(data)
            spec["files"] = {k: v for k, v in spec["files"].items() if not k.startswith("renders/")}
            data = json.dumps(spec, sort_keys=True).encode()
        digests[rel] = hashlib.sha256(data).hexdigest()
    return digests


def _warm(renders: bool, out: Path) -> None:
    """Pay the one-off costs (imports, first build, GL context) before anything is timed."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    family = get_family("push_to_goal")
    for seed in range(2, 12):  # the first seed that promotes, so renders warm up too
        if build_scenario(family, seed, out_root=out, renders=renders).status != "rejected":
            return


def serial(
    families: list[str],
    seeds: list[int],
    renders: bool,
    out: str,
    clock: bool = True,
    warm: bool = True,
) -> dict[str, Any]:
    """Build each (family, seed) in this process; return per-attempt times and digests."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    root = Path(out)
    if warm:
        _warm(renders, root / "warm")
    attempts = []
    for name in families:
        family = get_family(name)
        for seed in seeds:
            steps = StepClock() if clock else None
            cpu, start = cpu_seconds(), time.perf_counter()
            if steps is not None:
                with steps:
                    outcome = build_scenario(family, seed, out_root=root / "data", renders=renders)
            else:
                outcome = build_scenario(family, seed, out_root=root / "data", renders=renders)
            attempts.append(
                {
                    "family": name,
                    "seed": seed,
                    "status": outcome.status,
                    "reasons": [str(r) for r in outcome.reasons],
                    "detail": outcome.detail,
                    "wall": time.perf_counter() - start,
                    "cpu": cpu_seconds() - cpu,
                    "stages": outcome.stage_seconds,
                    "step_s": steps.seconds if steps else None,
                    "folder": outcome.folder,
                    "digest": folder_digest(Path(outcome.folder)) if outcome.folder else {},
                }
            )
    return {"attempts": attempts, "rss_mb": rss_mb()}


def identity(families: list[str] | str, seeds: list[int], out: str) -> dict[str, Any]:
    """Build every (family, seed) without renders; return verdicts and digests to compare."""
    from benchgen.families import family_names

    names = list(family_names()) if families == "all" else list(families)
    attempts = []
    root = Path(out)
    for name in names:
        run = serial([name], seeds, renders=False, out=str(root / name), clock=False, warm=False)
        attempts += run["attempts"]
    return {"attempts": attempts}


def cad(families: list[str], seeds: list[int], repeats: int, out: str) -> dict[str, Any]:
    """CPU ms of the CAD stage's work per layout: build123d solids, meshes, OBJ files, script.

    The layouts are made first (the family's own code is not CAD); the best of
    ``repeats`` passes is kept, which keeps other processes' load out of the figure.
    """
    from benchgen.cad.geometry import build_geometry
    from benchgen.families import get_family
    from benchgen.pipeline.script import script_text

    jobs = []
    for name in families:
        family = get_family(name)
        for seed in seeds:
            params = family.sample(seed)
            jobs.append((family, seed, params, family.build(params)))
    root = Path(out)
    build_geometry(jobs[0][3])  # OCCT's first use
    passes = []
    for _ in range(repeats):
        start = time.process_time()
        for family, seed, params, layout in jobs:
            script_text(family, scenario_id="x", seed=seed, params=params.model_dump(mode="json"))
            build_geometry(layout).write_meshes(root)
        passes.append((time.process_time() - start) / len(jobs) * 1000)
    return {"cad_cpu_ms": min(passes), "passes": passes}


def _render_folder() -> Callable[..., Any]:
    """Return the tree's ``render_folder`` (it moved to pipeline.renders with issue 13)."""
    try:
        from benchgen.pipeline.renders import render_folder
    except ImportError:
        from benchgen.pipeline.build import render_folder  # type: ignore[attr-defined,no-redef]
    return render_folder


def render(folders: list[str], out: str) -> dict[str, Any]:
    """Render a copy of each promoted scenario folder; return CPU and wall seconds of each.

    CPU counts every thread of this process (the GL driver's) and the finished children
    (ffmpeg); the first folder is rendered once more before anything is timed (GL context).
    """
    from benchgen.spec import load_spec

    render_folder = _render_folder()
    root = Path(out)

    def one(folder: Path, tag: str) -> dict[str, Any]:
        work = root / f"{tag}-{folder.name}"
        shutil.copytree(folder, work)
        spec = load_spec(work)
        cpu, start = cpu_seconds(), time.perf_counter()
        rendered = render_folder(spec, work)
        figures = {"cpu": cpu_seconds() - cpu, "wall": time.perf_counter() - start}
        size = sum((work / rel).stat().st_size for rel in rendered.sha256)
        shutil.rmtree(work, ignore_errors=True)
        return {"folder": folder.name, "family": folder.parent.name, "bytes": size, **figures}

    paths = [Path(f) for f in folders]
    one(paths[0], "warm")
    return {"scenarios": [one(folder, "run") for folder in paths]}


def pool(
    families: list[str], count: int, seed: int, workers: int, renders: bool, out: str
) -> dict[str, Any]:
    """Generate with a process pool (worker start-up included); return promoted and seconds."""
    from benchgen.pipeline import generate

    start = time.perf_counter()
    report = generate(
        families,
        count=count,
        seed=seed,
        out=Path(out),
        workers=workers,
        renders=renders,
        godot=True,
    )
    wall = time.perf_counter() - start
    promoted = sum(f.promoted for f in report.families)
    attempts = sum(f.attempts for f in report.families)
    return {"wall": wall, "promoted": promoted, "attempts": attempts}


def memory(builds: int, renders: bool, out: str, marks: list[int]) -> dict[str, Any]:
    """Build ``builds`` push_to_goal attempts in one process; return RSS after each mark."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    family = get_family("push_to_goal")
    root = Path(out)
    rss: dict[str, float] = {}
    promoted = 0
    for i in range(builds):
        folder = root / f"m{i % 4}"
        outcome = build_scenario(family, 5000 + i, out_root=folder, renders=renders)
        promoted += outcome.status == "promoted"
        shutil.rmtree(folder, ignore_errors=True)
        if i + 1 in marks:
            rss[str(i + 1)] = rss_mb()
    return {"rss_mb": rss, "promoted": promoted}


MODES: dict[str, Callable[..., dict[str, Any]]] = {
    "render": render,
    "serial": serial,
    "identity": identity,
    "cad": cad,
    "pool": pool,
    "memory": memory,
}


def main() -> None:
    mode, arguments = sys.argv[1], json.loads(sys.argv[2])
    scratch = Path(tempfile.mkdtemp(prefix=f"bench-{mode}-"))
    arguments.setdefault("out", str(scratch))
    try:
        result = MODES[mode](**arguments)
    finally:
        if arguments["out"] == str(scratch):
            shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
