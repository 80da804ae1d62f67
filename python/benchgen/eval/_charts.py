"""Bar charts and a heat map for the eval report, drawn with Pillow (deterministic PNGs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["grouped_bars", "heat_map", "stacked_bars"]

_BACKGROUND = (250, 250, 252)
_TEXT = (30, 30, 35)
_GRID = (215, 215, 222)
#: Colour-blind-safe series colours (Okabe-Ito).
PALETTE = (
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (120, 120, 120),
)


def _fonts() -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, ...]:
    return ImageFont.load_default(size=20), ImageFont.load_default(size=13)


def _save(image: Image.Image, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG", optimize=False)
    return out


def _legend(draw: ImageDraw.ImageDraw, names: Sequence[str], y: int, font: object) -> None:
    x = 16
    for index, name in enumerate(names):
        draw.rectangle((x, y, x + 14, y + 14), fill=PALETTE[index % len(PALETTE)])
        draw.text((x + 20, y), name, fill=_TEXT, font=font)  # type: ignore[arg-type]
        x += 44 + int(draw.textlength(name, font=font))  # type: ignore[arg-type]


def grouped_bars(
    rows: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[float]],
    out: Path,
    *,
    title: str,
) -> Path:
    """Draw one group of horizontal bars per row, one bar per series, on a 0–1 scale.

    ``values[r][s]`` is row ``r``'s value of series ``s``; it is printed beside its bar.
    """
    left = 16 + max((len(r) for r in rows), default=8) * 8 + 16
    bar_h, scale = 14, 560
    row_h = len(series) * (bar_h + 2) + 14
    height = 60 + row_h * max(len(rows), 1) + 46
    image = Image.new("RGB", (left + scale + 90, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = _fonts()
    draw.text((16, 12), title, fill=_TEXT, font=big)
    for tick in range(0, 11, 2):
        x = left + scale * tick // 10
        draw.line((x, 48, x, height - 44), fill=_GRID)
        draw.text((x - 10, height - 42), f"{tick * 10}%", fill=_TEXT, font=small)
    for r, name in enumerate(rows):
        top = 52 + r * row_h
        draw.text((16, top + row_h // 2 - 12), name, fill=_TEXT, font=small)
        for s in range(len(series)):
            value = max(0.0, min(1.0, float(values[r][s])))
            y = top + s * (bar_h + 2)
            if value > 0:  # Pillow draws a zero-width rectangle as a line
                colour = PALETTE[s % len(PALETTE)]
                draw.rectangle((left, y, left + round(scale * value), y + bar_h - 1), fill=colour)
            label = f"{value:.3f}" if "AUCCESS" in series[s] else f"{value:.0%}"
            draw.text((left + round(scale * value) + 6, y), label, fill=_TEXT, font=small)
    _legend(draw, series, height - 22, small)
    return _save(image, out)


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    out: Path,
    *,
    title: str,
) -> Path:
    """Draw a table of 0–1 values as shaded cells (white 0 to blue 1; grey: no value)."""
    left = 16 + max((len(r) for r in rows), default=8) * 8 + 16
    cell_w = max(96, max((len(c) for c in columns), default=8) * 8 + 12)
    cell_h = 30
    width = left + cell_w * max(len(columns), 1) + 16
    height = 80 + cell_h * max(len(rows), 1) + 16
    image = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = _fonts()
    draw.text((16, 12), title, fill=_TEXT, font=big)
    for c, name in enumerate(columns):
        draw.text((left + c * cell_w + 6, 54), name, fill=_TEXT, font=small)
    for r, name in enumerate(rows):
        y = 76 + r * cell_h
        draw.text((16, y + 8), name, fill=_TEXT, font=small)
        for c in range(len(columns)):
            value = values[r][c]
            x = left + c * cell_w
            if value is None:
                fill: tuple[int, int, int] = (225, 225, 228)
                label = "-"
            else:
                v = max(0.0, min(1.0, float(value)))
                fill = (round(255 - 255 * v), round(255 - 141 * v), round(255 - 77 * v))
                label = f"{v:.2f}"
            draw.rectangle((x + 1, y + 1, x + cell_w - 1, y + cell_h - 1), fill=fill)
            ink = (255, 255, 255) if value is not None and value > 0.6 else _TEXT
            draw.text((x + 8, y + 8), label, fill=ink, font=small)
    return _save(image, out)


def stacked_bars(
    rows: Sequence[str],
    parts: Sequence[str],
    counts: Sequence[Sequence[int]],
    out: Path,
    *,
    title: str,
) -> Path:
    """Draw one horizontal bar per row split into ``parts`` (e.g. failure reasons)."""
    left = 16 + max((len(r) for r in rows), default=8) * 8 + 16
    scale, row_h = 600, 26
    height = 60 + row_h * max(len(rows), 1) + 30 + 22 * (1 + len(parts) // 5)
    image = Image.new("RGB", (left + scale + 90, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = _fonts()
    draw.text((16, 12), title, fill=_TEXT, font=big)
    most = max((sum(c) for c in counts), default=1) or 1
    for r, name in enumerate(rows):
        y = 52 + r * row_h
        draw.text((16, y + 4), name, fill=_TEXT, font=small)
        x = left
        for p, count in enumerate(counts[r]):
            width = round(scale * count / most)
            if width:
                draw.rectangle((x, y + 2, x + width, y + row_h - 6), fill=PALETTE[p % len(PALETTE)])
            x += width
        draw.text((x + 6, y + 4), str(sum(counts[r])), fill=_TEXT, font=small)
    legend_top = 60 + row_h * max(len(rows), 1)
    for chunk in range(0, len(parts), 5):
        names = parts[chunk : chunk + 5]
        y = legend_top + 22 * (chunk // 5)
        x = 16
        for offset, name in enumerate(names):
            colour = PALETTE[(chunk + offset) % len(PALETTE)]
            draw.rectangle((x, y, x + 14, y + 14), fill=colour)
            draw.text((x + 20, y), name, fill=_TEXT, font=small)
            x += 44 + int(draw.textlength(name, font=small))
    return _save(image, out)
