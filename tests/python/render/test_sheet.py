from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchgen.errors import RenderError
from benchgen.render import contact_sheet
from benchgen.render.sheet import THUMB_WIDTH

pytestmark = pytest.mark.slow  # MuJoCo offscreen renders


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_sheet_has_8_columns_and_3_rows_of_thumbnails(views: list[Path], tmp_path: Path) -> None:
    out = contact_sheet(views, tmp_path / "sheet.png", title="render_test: ball to the goal")
    sheet = _pixels(out)
    thumb_height = THUMB_WIDTH * 480 // 640
    assert sheet.shape == (36 + 3 * (thumb_height + 24), 8 * (THUMB_WIDTH + 4) + 4, 3)
    assert sheet.max() > 200
    # The thumbnails carry the scene: far more light pixels than the labels alone would give.
    assert (sheet.reshape(-1, 3).min(axis=1) > 120).mean() > 0.1


def test_title_and_columns_change_the_sheet(views: list[Path], tmp_path: Path) -> None:
    titled = _pixels(contact_sheet(views, tmp_path / "a.png", title="a title"))
    untitled = _pixels(contact_sheet(views, tmp_path / "b.png"))
    assert titled.shape == untitled.shape
    assert not np.array_equal(titled[:36], untitled[:36])
    assert np.array_equal(titled[36:], untitled[36:])
    four = _pixels(contact_sheet(views, tmp_path / "c.png", columns=4))
    assert four.shape[1] == 4 * (THUMB_WIDTH + 4) + 4


def test_no_images_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="at least one image"):
        contact_sheet([], tmp_path / "sheet.png")


def test_an_unreadable_image_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "view_az000_el15.png"
    bad.write_bytes(b"not a png")
    with pytest.raises(RenderError, match="cannot read view"):
        contact_sheet([bad], tmp_path / "sheet.png")
