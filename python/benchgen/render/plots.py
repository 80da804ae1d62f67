"""Charts of a dataset for people: acceptance per family and where rejections come from.

Drawn with Pillow (already a dependency) so the PNG is the same bytes for the same store.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw, ImageFont

__all__ = ["CalibrationFigures", "FamilyFigures", "acceptance_chart", "calibration_chart"]


class FamilyFigures(Protocol):
    """What the chart reads of one family (``benchgen.store.FamilyStats`` has it)."""

    @property
    def family(self) -> str: ...
    @property
    def attempts(self) -> int: ...
    @property
    def promoted(self) -> int: ...
    @property
    def rejected(self) -> int: ...
    @property
    def acceptance(self) -> float: ...
    @property
    def top_reasons(self) -> Sequence[tuple[str, int]]: ...


_WIDTH = 1040
_ROW = 34
_LEFT = 170
_BAR = 420
_BACKGROUND = (250, 250, 252)
_TEXT = (30, 30, 35)
_PROMOTED = (60, 160, 90)
_REJECTED = (210, 80, 70)


def acceptance_chart(stats: Sequence[FamilyFigures], out: Path, *, title: str = "") -> Path:
    """Draw promoted vs rejected attempts per family, with the top rejection reasons.

    Args:
        stats: per-family figures, e.g. from :meth:`benchgen.store.Store.stats`.
        out: the PNG to write.
        title: a heading (e.g. the dataset folder).

    Returns:
        ``out``.
    """
    height = 70 + _ROW * max(len(stats), 1) + 40
    image = Image.new("RGB", (_WIDTH, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.load_default(size=20), ImageFont.load_default(size=14)
    draw.text((16, 12), title or "Acceptance per family", fill=_TEXT, font=big)
    most = max((s.attempts for s in stats), default=1) or 1
    for row, family in enumerate(stats):
        y = 56 + row * _ROW
        draw.text((16, y + 6), family.family, fill=_TEXT, font=small)
        promoted = round(_BAR * family.promoted / most)
        rejected = round(_BAR * family.rejected / most)
        # Pillow draws a zero-width rectangle as a 1 px line: skip empty bars.
        if promoted:
            draw.rectangle((_LEFT, y + 4, _LEFT + promoted, y + _ROW - 8), fill=_PROMOTED)
        if rejected:
            box = (_LEFT + promoted, y + 4, _LEFT + promoted + rejected, y + _ROW - 8)
            draw.rectangle(box, fill=_REJECTED)
        reasons = ", ".join(f"{r} x{n}" for r, n in family.top_reasons[:2])
        label = f"{family.promoted}/{family.attempts} ({family.acceptance:.0%}) {reasons}"
        draw.text((_LEFT + promoted + rejected + 8, y + 6), label, fill=_TEXT, font=small)
    legend_y = height - 30
    draw.rectangle((16, legend_y, 30, legend_y + 14), fill=_PROMOTED)
    draw.text((36, legend_y), "promoted", fill=_TEXT, font=small)
    draw.rectangle((120, legend_y, 134, legend_y + 14), fill=_REJECTED)
    draw.text((140, legend_y), "rejected (top reasons beside each bar)", fill=_TEXT, font=small)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG", optimize=False)
    return out


class CalibrationFigures(Protocol):
    """What the calibration chart reads of one family (``FamilyCalibration`` has it)."""

    @property
    def family(self) -> str: ...
    @property
    def random_success(self) -> float: ...
    @property
    def best_fixed_success(self) -> float: ...
    @property
    def median_reference_success(self) -> float: ...
    @property
    def robust_success(self) -> float: ...


_SERIES = (
    ("random action, per try", "random_success", (200, 120, 60), 0.05, "at most"),
    ("best fixed action", "best_fixed_success", (150, 90, 180), 0.10, "at most"),
    ("reference jittered 5 %", "robust_success", (60, 150, 90), 0.95, "at least"),
)


def calibration_chart(rows: Sequence[CalibrationFigures], out: Path, *, title: str = "") -> Path:
    """Draw, per family, random, best-fixed and jittered-reference success against targets.

    Each family gets three bars on a 0-100 % scale; a tick on each bar marks its target
    (≤ 5 %, ≤ 10 %, ≥ 95 %), so a family that meets them shows two short bars under
    their ticks and one long bar past its tick.
    """
    row_h, bar_h, scale = 3 * 16 + 18, 14, 600
    height = 60 + row_h * max(len(rows), 1) + 50
    image = Image.new("RGB", (_LEFT + scale + 220, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.load_default(size=20), ImageFont.load_default(size=13)
    draw.text((16, 12), title or "Benchmark quality per family", fill=_TEXT, font=big)
    for index, row in enumerate(rows):
        top = 50 + index * row_h
        draw.text((16, top + 18), row.family, fill=_TEXT, font=small)
        for k, (_label, attr, colour, target, _sign) in enumerate(_SERIES):
            value = float(getattr(row, attr))
            y = top + k * 16
            if value > 0:
                draw.rectangle((_LEFT, y, _LEFT + round(scale * value), y + bar_h - 2), fill=colour)
            tick = _LEFT + round(scale * target)
            draw.line((tick, y - 1, tick, y + bar_h), fill=_TEXT, width=2)
            draw.text((_LEFT + scale + 8, y), f"{value:.1%}", fill=_TEXT, font=small)
    legend_y = height - 34
    x = 16
    for label, _attr, colour, target, sign in _SERIES:
        draw.rectangle((x, legend_y, x + 14, legend_y + 14), fill=colour)
        text = f"{label} (target {sign} {target:.0%})"
        draw.text((x + 20, legend_y), text, fill=_TEXT, font=small)
        x += 40 + int(draw.textlength(text, font=small))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG", optimize=False)
    return out
