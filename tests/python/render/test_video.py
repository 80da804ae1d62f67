from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import mujoco
import numpy as np
import pytest

from benchgen.errors import RenderError
from benchgen.render import _gl, render_video

from .conftest import pushed

pytestmark = pytest.mark.slow  # MuJoCo offscreen renders and MP4 encoding


def _frames(path: Path) -> list[np.ndarray]:
    return list(iio.imiter(path, plugin="FFMPEG"))


@pytest.fixture(scope="module")
def video(scene: mujoco.MjModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("video") / "reference.mp4"
    return render_video(scene, pushed(scene), out, seconds=1.0, fps=30)


def test_video_is_an_h264_mp4_with_one_frame_per_30th_second(video: Path) -> None:
    assert video.read_bytes()[4:8] == b"ftyp"
    meta = iio.immeta(video, plugin="FFMPEG")
    assert (meta["codec"], meta["fps"], meta["size"]) == ("h264", 30.0, (640, 480))
    assert meta["pix_fmt"].startswith("yuv420p")
    frames = _frames(video)
    assert len(frames) == 30
    assert all(f.shape == (480, 640, 3) and f.max() > 40 for f in frames)


def test_video_shows_the_motion(video: Path) -> None:
    frames = _frames(video)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.05


def test_video_steps_the_given_data_to_the_end(scene: mujoco.MjModel, tmp_path: Path) -> None:
    data = pushed(scene)
    calls: list[float] = []

    def step(model: mujoco.MjModel, d: mujoco.MjData) -> None:
        calls.append(d.time)
        mujoco.mj_step(model, d)

    render_video(scene, data, tmp_path / "v.mp4", seconds=0.5, fps=20, step=step)
    assert len(_frames(tmp_path / "v.mp4")) == 10
    # Frame 9 shows t = 0.45 s: 225 steps of 2 ms, and nothing after it.
    assert len(calls) == round(0.45 / scene.opt.timestep)
    assert data.qpos[0] > -0.3 + 0.2


def test_video_is_byte_identical_across_runs(
    scene: mujoco.MjModel, video: Path, tmp_path: Path
) -> None:
    again = render_video(scene, pushed(scene), tmp_path / "again.mp4", seconds=1.0, fps=30)
    assert again.read_bytes() == video.read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"width": 642, "height": 481}, "must be even", id="odd-height"),
        pytest.param({"width": 320, "height": 240}, "at least 640×480", id="small"),
        pytest.param({"seconds": 0.0}, "seconds > 0", id="no-time"),
    ],
)
def test_bad_video_settings_are_rejected(
    scene: mujoco.MjModel, tmp_path: Path, kwargs: dict, match: str
) -> None:
    settings = {"seconds": 1.0, **kwargs}
    with pytest.raises(RenderError, match=match):
        render_video(scene, pushed(scene), tmp_path / "v.mp4", **settings)
    assert not (tmp_path / "v.mp4").exists()


def test_a_black_frame_leaves_no_partial_video(
    scene: mujoco.MjModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        _gl.ModelRenderer,
        "render_raw",
        lambda self, data, camera: np.zeros((480, 640, 3), np.uint8),
    )
    with pytest.raises(RenderError, match="entirely black"):
        render_video(scene, pushed(scene), tmp_path / "v.mp4", seconds=0.5)
    assert not (tmp_path / "v.mp4").exists()
