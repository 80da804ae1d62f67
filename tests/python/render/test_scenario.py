from __future__ import annotations

import hashlib
import json
from pathlib import Path

import mujoco
import pytest

from benchgen.render import RenderSet, render_scenario

from .conftest import pushed

pytestmark = pytest.mark.slow  # MuJoCo offscreen renders


def test_scenario_renders_land_under_renders_with_hashes(
    scene: mujoco.MjModel, tmp_path: Path
) -> None:
    result = render_scenario(
        tmp_path, scene, video_model=scene, video_data=pushed(scene), seconds=0.5, title="t"
    )
    assert len(result.images) == 24
    assert all(p.startswith("renders/images/view_az") for p in result.images)
    assert (result.sheet, result.video) == ("renders/contact_sheet.png", "renders/reference.mp4")
    assert result.thumbnail == "renders/thumbnail.png"
    files = [*result.images, result.sheet, result.video, result.thumbnail]
    assert sorted(result.sha256) == sorted(files)
    for rel, digest in result.sha256.items():
        assert hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() == digest
    index = json.loads((tmp_path / "renders" / "index.json").read_text(encoding="utf-8"))
    assert RenderSet.model_validate(index) == result


def test_no_video_model_means_no_video(scene: mujoco.MjModel, tmp_path: Path) -> None:
    result = render_scenario(
        tmp_path, scene, video_model=None, video_data=None, seconds=1, title=""
    )
    assert result.video is None
    assert not list((tmp_path / "renders").glob("*.mp4"))
    assert len(result.sha256) == 26  # 24 views, the contact sheet and the thumbnail


def test_the_thumbnail_is_a_quarter_view_from_the_video_camera(
    scene: mujoco.MjModel, tmp_path: Path
) -> None:
    from PIL import Image

    from benchgen.render import render_preview

    path = render_preview(tmp_path, scene)
    assert path == tmp_path / "renders" / "thumbnail.png"
    with Image.open(path) as image:
        assert (image.mode, image.size) == ("RGB", (320, 240))
        assert max(image.getextrema()[0]) > 40
