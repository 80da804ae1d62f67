"""``benchgen eval report``: one page a person reads at a glance, across runs and agents.

The page (report.md) holds the leaderboard (success@1, success@K, AUCCESS, failures,
tokens, cost and seconds per agent), a chart of it, a heat map of AUCCESS per family and
agent, one bar chart per family, the difficulty tiers and the failure reasons. Each run's
results.json is recomputed from its episodes.jsonl first, so a report of a run that was
stopped halfway shows what it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchgen.errors import EvalError
from benchgen.eval._charts import grouped_bars, heat_map, stacked_bars
from benchgen.eval.episodes import RUN_JSON
from benchgen.eval.runner import write_results
from benchgen.eval.scores import AgentScore, Results

__all__ = ["REPORT", "write_report"]

REPORT = "report.md"


def _rows(results: Sequence[Results]) -> list[tuple[str, AgentScore]]:
    """Return (row label, score) for every agent of every run; labels are unique."""
    labels = [s.agent for r in results for s in r.agents]
    rows = []
    for result in results:
        for score in result.agents:
            label = score.agent
            if labels.count(label) > 1:
                label = f"{label} ({Path(result.run).name})"
            rows.append((label, score))
    return rows


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _maybe(v: float | None, fmt: str) -> str:
    return "-" if v is None else format(v, fmt)


def _leaderboard(rows: list[tuple[str, AgentScore]]) -> list[str]:
    lines = [
        "| agent | tasks | success@1 | success@K | AUCCESS | episodes | tokens | tokens / solved "
        "| cost / solved | agent s | sim s | endpoint errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, s in sorted(rows, key=lambda row: -row[1].auccess):
        open_note = f" (+{s.open_tasks} open)" if s.open_tasks else ""
        lines.append(
            f"| {label} | {s.tasks}{open_note} | {_pct(s.success_at_1)} | "
            f"{_pct(s.success_at_k)} (K={s.attempts}) | {s.auccess:.3f} | {s.episodes} | "
            f"{s.tokens:,} | {_maybe(s.tokens_per_solved, ',.0f')} | "
            f"{'$' + format(s.cost_per_solved_usd, '.4f') if s.cost_per_solved_usd else '-'} | "
            f"{s.agent_seconds:.1f} | {s.sim_seconds:.1f} | {s.endpoint_errors} |"
        )
    return lines


def _matrix(
    rows: list[tuple[str, AgentScore]], groups: list[str], attr: str
) -> list[list[float | None]]:
    table: list[list[float | None]] = []
    for _label, score in rows:
        found = getattr(score, attr)
        table.append([found[g].auccess if g in found else None for g in groups])
    return table


def _group_table(rows: list[tuple[str, AgentScore]], groups: list[str], attr: str) -> list[str]:
    lines = [
        "| agent | " + " | ".join(groups) + " |",
        "|---|" + "---:|" * len(groups),
    ]
    for label, score in rows:
        found = getattr(score, attr)
        cells = [
            f"{found[g].auccess:.3f} / {_pct(found[g].success_at_k)} ({found[g].tasks})"
            if g in found
            else "-"
            for g in groups
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _failures(rows: list[tuple[str, AgentScore]]) -> tuple[list[str], list[str]]:
    reasons = sorted({r for _l, s in rows for r in s.failures})
    lines = ["| agent | " + " | ".join(reasons) + " |", "|---|" + "---:|" * len(reasons)]
    for label, score in rows:
        lines.append(
            f"| {label} | " + " | ".join(str(score.failures.get(r, 0)) for r in reasons) + " |"
        )
    return reasons, lines


def _load(run: Path) -> Results:
    if not (run / RUN_JSON).is_file():
        raise EvalError(f"{run} is not a run folder of benchgen eval (it has no {RUN_JSON})")
    return write_results(run)


def write_report(runs: Sequence[Path], out: Path) -> tuple[Path, list[Results]]:
    """Write ``out/report.md`` and its charts for ``runs``; return the page and the results.

    Raises:
        EvalError: a folder is not a run of ``benchgen eval``.
    """
    results = [_load(run) for run in runs]
    rows = _rows(results)
    if not rows:
        raise EvalError("the runs hold no agent: run `benchgen eval DATASET --agent NAME` first")
    out.mkdir(parents=True, exist_ok=True)
    labels = [label for label, _ in rows]
    grouped_bars(
        labels,
        ["success@1", "success@K", "AUCCESS"],
        [[s.success_at_1, s.success_at_k, s.auccess] for _l, s in rows],
        out / "leaderboard.png",
        title="Leaderboard: success@1, success@K and AUCCESS per agent",
    )
    families = sorted({f for _l, s in rows for f in s.per_family})
    tiers = [
        t for t in ("easy", "medium", "hard", "unknown") if any(t in s.per_tier for _l, s in rows)
    ]
    heat_map(labels, families, _matrix(rows, families, "per_family"), out / "families.png",
             title="AUCCESS per family and agent")  # fmt: skip
    for family in families:
        present = [(label, s.per_family[family]) for label, s in rows if family in s.per_family]
        grouped_bars(
            [label for label, _ in present],
            ["success@1", "success@K", "AUCCESS"],
            [[b.success_at_1, b.success_at_k, b.auccess] for _l, b in present],
            out / f"family_{family}.png",
            title=f"{family}: success@1, success@K and AUCCESS",
        )
    reasons, failure_lines = _failures(rows)
    stacked_bars(
        labels,
        reasons,
        [[s.failures.get(r, 0) for r in reasons] for _l, s in rows],
        out / "failures.png",
        title="Failed attempts by reason",
    )
    attempts = sorted({r.attempts for r in results})
    described = ", ".join(f"`{r.run}` ({r.scenarios} scenarios of `{r.dataset}`)" for r in results)
    lines = [
        "# benchgen eval report",
        "",
        f"Runs: {described}. "
        f"Attempts per scenario K = {', '.join(map(str, attempts))}. A task ends at its first "
        "success; success@k is the share of scenarios solved within k attempts; AUCCESS is "
        "PHYRE's attempt-weighted area under that curve (weights log(k+1) − log(k)).",
        "",
        "## Leaderboard",
        "",
        *_leaderboard(rows),
        "",
        "![leaderboard](leaderboard.png)",
        "",
        "## Per family (AUCCESS / success@K (scenarios))",
        "",
        "![AUCCESS per family](families.png)",
        "",
        *_group_table(rows, families, "per_family"),
        "",
        *[line for f in families for line in (f"### {f}", "", f"![{f}](family_{f}.png)", "")],
        "## Per difficulty tier (AUCCESS / success@K (scenarios))",
        "",
        *_group_table(rows, tiers, "per_tier"),
        "",
        "## Failed attempts by reason",
        "",
        "![failures](failures.png)",
        "",
        *failure_lines,
        "",
    ]
    page = out / REPORT
    page.write_text("\n".join(lines), encoding="utf-8")
    return page, results
