"""One benchmark over N Godot processes: the runner's ``--shard=I/N`` and the merged report.

Process ``I`` of ``N`` runs the selected scenes whose position modulo ``N`` is ``I``
(``BenchgenBenchmarkRunner.shard_of``), so the shards' reports interleave back into the
order one process would have run them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchgen.errors import GodotError

__all__ = ["merge_reports", "shard_arg", "shardable", "table_lines"]

# Runner arguments that start something other than a list of scenes, or (the llm agent)
# a run whose report carries run-wide records beside the scenes: one process.
_UNSHARDED = ("--tests", "--e2e-dock", "--help", "--screenshot", "--agent=llm")


def shardable(args: Sequence[str]) -> bool:
    """Return whether a run of the runner with ``args`` can be split over processes."""
    return not set(_UNSHARDED) & set(args)


def shard_arg(index: int, count: int) -> str:
    """Return the runner argument that selects shard ``index`` of ``count``."""
    return f"--shard={index}/{count}"


def merge_reports(reports: Sequence[dict[str, Any] | None]) -> dict[str, Any]:
    """Return the report one process would have printed, from the shards' reports in order.

    Raises:
        GodotError: a shard printed no report, or the shards ran different things.
    """
    if not reports or any(r is None for r in reports):
        missing = [i for i, r in enumerate(reports) if r is None]
        raise GodotError(f"Godot shard(s) {missing} of {len(reports)} printed no results.")
    shards: list[dict[str, Any]] = [r for r in reports if r is not None]
    header = {k: v for k, v in shards[0].items() if k != "scenarios"}
    for other in shards[1:]:
        if {k: v for k, v in other.items() if k != "scenarios"} != header:
            raise GodotError(
                f"the Godot shards ran differently: {header} against "
                f"{ {k: v for k, v in other.items() if k != 'scenarios'} }"
            )
    lists = [list(r["scenarios"]) for r in shards]
    merged = [
        lists[i % len(lists)][i // len(lists)]
        for i in range(sum(len(x) for x in lists))
        if i // len(lists) < len(lists[i % len(lists)])
    ]
    return {**header, "scenarios": merged}


def table_lines(report: dict[str, Any]) -> list[str]:
    """Return the results table the runner prints (``print_table``), for a merged report."""
    lines = [f"{'scene':<64s} {'successes':>9s} {'failures':>9s} {'errors':>7s} {'mean t/s':>9s}"]
    for entry in report["scenarios"]:
        iterations = entry["iterations"]
        mean = sum(float(r["time_s"]) for r in iterations) / max(1, len(iterations))
        lines.append(
            f"{entry['scene']:<64s} {entry['successes']:9d} {entry['failures']:9d} "
            f"{entry['errors']:7d} {mean:9.2f}"
        )
    lines.append(
        f"agent={report['agent']} godot={report['godot_version']} "
        f"physics={report['physics_engine']}"
    )
    return lines
