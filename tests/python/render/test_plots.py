"""The acceptance chart: drawn from store figures, deterministic, bars in proportion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from benchgen.render.plots import acceptance_chart
from benchgen.store.db import FamilyStats

GREEN, RED = (60, 160, 90), (210, 80, 70)


def _stats(promoted: int, rejected: int, family: str) -> FamilyStats:
    total = promoted + rejected
    return FamilyStats(
        family=family,
        attempts=total,
        promoted=promoted,
        rejected=rejected,
        acceptance=promoted / total,
        top_reasons=[("UNSOLVED", rejected)] if rejected else [],
    )


def _count(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(image == colour, axis=-1).sum())


def test_chart_bars_follow_the_figures(tmp_path: Path) -> None:
    rows = [_stats(10, 0, "all_good"), _stats(5, 5, "half")]
    path = acceptance_chart(rows, tmp_path / "chart.png", title="test")
    image = np.asarray(Image.open(path).convert("RGB"))
    top, bottom = image[56:90], image[90:124]
    assert _count(top, RED) == 0 < _count(bottom, RED)
    assert abs(_count(top, GREEN) - 2 * _count(bottom, GREEN)) < 0.05 * _count(top, GREEN)


def test_chart_is_deterministic(tmp_path: Path) -> None:
    rows = [_stats(3, 1, "a"), _stats(2, 2, "b")]
    first = acceptance_chart(rows, tmp_path / "1.png").read_bytes()
    assert acceptance_chart(rows, tmp_path / "2.png").read_bytes() == first
