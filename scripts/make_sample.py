"""Regenerate the committed sample: 2 scenarios per family (seeds from 7), contact sheets only.

    .venv/bin/python scripts/make_sample.py [--out scenarios] [--count 2] [--seed 7]

The full renders (24 views, video) are dropped to keep the repository small; each
scenario's scenario.json is rewritten with the hashes of what is kept, and the folder is
swapped in atomically, so `benchgen verify scenarios` passes on the result. The benchmark
scene (benchmarking/benchmarker.tscn) then lists exactly the new sample: a scene it still
named from the old sample would stop every Godot run at its first line (a missing resource).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchgen.families import family_names
from benchgen.pipeline import generate
from benchgen.server.benchmark import BENCHMARK_SCENE, add_benchmark_scenarios
from benchgen.spec.folder import (
    RENDERS_DIR,
    SCENARIO_JSON,
    file_hashes,
    publish,
    regular_files,
    scenario_folder,
    staging,
)
from benchgen.spec.io import dump_spec, load_spec

REPO = Path(__file__).resolve().parents[1]
KEEP_RENDERS = {f"{RENDERS_DIR}/contact_sheet.png", f"{RENDERS_DIR}/.gdignore"}


def _slim_copy(source: Path, final: Path) -> None:
    """Publish ``source`` at ``final`` without the renders but the contact sheet."""
    spec = load_spec(source)
    with staging(final) as tmp:
        for rel in regular_files(source):
            if rel == SCENARIO_JSON or (
                rel.startswith(f"{RENDERS_DIR}/") and rel not in KEEP_RENDERS
            ):
                continue
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, tmp / rel)
        spec.files = file_hashes(tmp)
        (tmp / SCENARIO_JSON).write_text(dump_spec(spec), encoding="utf-8")
        publish(tmp, final, replace=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("scenarios"))
    parser.add_argument("--count", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--benchmark",
        type=Path,
        default=REPO / BENCHMARK_SCENE,
        help="the benchmark scene whose array becomes the new sample (when --out is in the repo)",
    )
    args = parser.parse_args()
    published: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="benchgen-sample-") as scratch:
        report = generate(
            family_names(),
            count=args.count,
            seed=args.seed,
            out=Path(scratch),
            workers=args.workers,
            renders=True,
        )
        for outcome in report.outcomes:
            if outcome.status == "promoted" and outcome.folder:
                final = scenario_folder(args.out, outcome.family, outcome.scenario_id)
                _slim_copy(Path(outcome.folder), final)
                published.append(final)
                print(f"{final}")
    if args.out.resolve().is_relative_to(REPO):
        scenes = [
            f"res://{(f / 'godot' / 'scene.tscn').resolve().relative_to(REPO).as_posix()}"
            for f in published
        ]
        add_benchmark_scenarios(args.benchmark, scenes, replace=True)
        print(f"{args.benchmark}: {len(scenes)} scenario scene(s)")


if __name__ == "__main__":
    main()
