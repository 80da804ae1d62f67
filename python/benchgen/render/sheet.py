"""A contact sheet: every view of a scenario as a labelled thumbnail on one PNG."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from benchgen.errors import RenderError
from benchgen.render._gl import check_image
from benchgen.render._png import write_png

__all__ = ["contact_sheet"]

THUMB_WIDTH = 240  # 8 columns of 240 px make a 1,940 px sheet, readable at a glance
_PAD = 4
_LABEL_HEIGHT = 20
_TITLE_HEIGHT = 36
_BACKGROUND = (32, 32, 36)
_TEXT = (235, 235, 235)
_VIEW = re.compile(r"view_az(\d{3})_el(\d{2})")


def _label(path: Path) -> str:
    """Return ``az 045° el -15°`` for a standard view, else the file's stem."""
    match = _VIEW.fullmatch(path.stem)
    return f"az {match[1]}°  el -{match[2]}°" if match else path.stem


def _thumbnail(path: Path, width: int) -> Image.Image:
    """Return the image at ``path`` scaled to ``width`` pixels wide, as RGB."""
    try:
        with Image.open(path) as source:
            image = source.convert("RGB")
    except OSError as exc:
        raise RenderError(f"cannot read view {path} for the contact sheet: {exc}") from exc
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def contact_sheet(
    images: list[Path],
    out: Path,
    *,
    columns: int = 8,
    title: str = "",
    thumbnails: list[Image.Image] | None = None,
) -> Path:
    """Lay the images out on a grid of labelled thumbnails under a title.

    Args:
        images: the views, in reading order (``render_views`` returns them ready).
        out: the PNG file to write.
        columns: thumbnails per row.
        title: a line of text above the grid (e.g. the scenario id and task).
        thumbnails: the images already scaled to ``THUMB_WIDTH`` (``render_views`` makes
            them from the pixels it rendered), one per image; default: read and scale
            the files.

    Returns:
        ``out``.

    Raises:
        RenderError: no images, an unreadable image, or a sheet that came out black.
    """
    if not images or columns < 1:
        raise RenderError(
            f"a contact sheet needs at least one image and one column; got {len(images)} "
            f"image(s) and columns={columns}"
        )
    if thumbnails is not None and len(thumbnails) != len(images):
        raise RenderError(
            f"the contact sheet got {len(thumbnails)} thumbnails for {len(images)} images: "
            "pass one thumbnail per image, or none"
        )
    thumbs = thumbnails if thumbnails is not None else [_thumbnail(p, THUMB_WIDTH) for p in images]
    cell_w = THUMB_WIDTH + _PAD
    cell_h = max(t.height for t in thumbs) + _LABEL_HEIGHT + _PAD
    rows = -(-len(thumbs) // columns)
    sheet = Image.new("RGB", (columns * cell_w + _PAD, _TITLE_HEIGHT + rows * cell_h), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((_PAD * 2, 8), title, fill=_TEXT, font=ImageFont.load_default(size=20))
    font = ImageFont.load_default(size=14)
    for i, (path, thumb) in enumerate(zip(images, thumbs, strict=True)):
        x = _PAD + (i % columns) * cell_w
        y = _TITLE_HEIGHT + (i // columns) * cell_h
        sheet.paste(thumb, (x, y))
        draw.text((x + 2, y + thumb.height + 2), _label(path), fill=_TEXT, font=font)
    check_image(np.asarray(sheet), what=f"contact sheet {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_png(np.asarray(sheet), out, level=6)  # one file, the dock's download: small
    return out
