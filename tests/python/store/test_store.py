"""The SQLite store: rows per attempt, stats, and no corrupt rows on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.errors import StoreError
from benchgen.pipeline import BuildOutcome
from benchgen.store import Store


def _outcome(status: str, reasons: list[str] | None = None, seed: int = 1) -> BuildOutcome:
    return BuildOutcome(
        scenario_id=f"push_to_goal-{seed:06d}-abcdef",
        family="push_to_goal",
        seed=seed,
        status=status,
        reasons=reasons or [],
    )


def test_stats_per_family(tmp_path: Path) -> None:
    store = Store.in_folder(tmp_path)
    store.record_attempt(_outcome("promoted"))
    store.record_attempt(_outcome("rejected", ["UNSOLVED"], seed=2))
    store.record_attempt(_outcome("rejected", ["UNSOLVED", "TRIVIAL"], seed=3))
    (stats,) = store.stats()
    assert (stats.attempts, stats.promoted, stats.rejected) == (3, 1, 2)
    assert stats.top_reasons[0] == ("UNSOLVED", 2)
    assert store.latest("push_to_goal-000003-abcdef").reasons == ["UNSOLVED", "TRIVIAL"]


def test_failed_write_leaves_no_row(tmp_path: Path) -> None:
    store = Store.in_folder(tmp_path)
    with pytest.raises(RuntimeError), store.session() as session:
        from benchgen.store import Attempt

        session.add(Attempt(scenario_id="x", family="f", seed=1, status="promoted"))
        raise RuntimeError("crash mid-transaction")
    assert store.count() == 0


def test_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("sqlite:////nonexistent-dir/x/y.sqlite")
