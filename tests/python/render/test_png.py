from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchgen.render._png import png_bytes, write_png


def _image(seed: int, shape: tuple[int, int] = (48, 64)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*shape, 3), dtype=np.uint8)


@pytest.mark.parametrize("level", [pytest.param(1, id="fast"), pytest.param(6, id="small")])
def test_pillow_reads_back_the_same_pixels(level: int) -> None:
    pixels = _image(0)
    with Image.open(io.BytesIO(png_bytes(pixels, level=level))) as image:
        assert (image.mode, image.size) == ("RGB", (64, 48))
        assert np.array_equal(np.asarray(image), pixels)


def test_a_flat_image_compresses_and_the_level_trades_size(tmp_path: Path) -> None:
    pixels = np.full((480, 640, 3), 180, np.uint8)
    pixels[100:300, 200:400] = (200, 60, 40)
    fast = write_png(pixels, tmp_path / "fast.png").stat().st_size
    small = write_png(pixels, tmp_path / "small.png", level=9).stat().st_size
    assert small < fast < pixels.nbytes // 100


def test_a_strided_view_is_written_as_it_looks() -> None:
    pixels = _image(1)[::-1]  # bottom row first, as OpenGL reads it
    with Image.open(io.BytesIO(png_bytes(pixels))) as image:
        assert np.array_equal(np.asarray(image), pixels)


@pytest.mark.parametrize(
    "pixels",
    [
        pytest.param(np.zeros((4, 4, 4), np.uint8), id="rgba"),
        pytest.param(np.zeros((4, 4), np.uint8), id="grey"),
        pytest.param(np.zeros((4, 4, 3), np.float32), id="float"),
    ],
)
def test_anything_but_8_bit_rgb_is_refused(pixels: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"height × width × 3 of uint8"):
        png_bytes(pixels)
