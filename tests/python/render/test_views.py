from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mujoco
import numpy as np
import pytest
from PIL import Image

from benchgen.errors import RenderError
from benchgen.render import AZIMUTHS, ELEVATIONS, _gl, render_views, view_name

pytestmark = pytest.mark.slow  # MuJoCo offscreen renders


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_view_names_follow_the_seed() -> None:
    assert view_name(45, -15) == "view_az045_el15.png"
    assert view_name(315, -75) == "view_az315_el75.png"


def test_24_views_are_written_with_the_standard_names(views: list[Path]) -> None:
    expected = [view_name(az, el) for az in AZIMUTHS for el in ELEVATIONS]
    assert len(views) == 24
    assert [p.name for p in views] == expected
    assert all(p.parent.name == "images" and p.is_file() for p in views)


def test_every_view_is_640x480_and_not_black(views: list[Path]) -> None:
    for path in views:
        pixels = _pixels(path)
        assert pixels.shape == (480, 640, 3), path.name
        assert pixels.max() > _gl.BLACK_LEVEL, path.name
        assert (pixels.reshape(-1, 3).max(axis=1) > 40).mean() > 0.1, f"{path.name} is mostly empty"


def test_different_views_differ(views: list[Path]) -> None:
    digests = {hashlib.sha256(_pixels(p).tobytes()).hexdigest() for p in views}
    assert len(digests) == 24
    front, back = _pixels(views[0]), _pixels(views[12])  # az 0 and az 180, el -15
    assert np.abs(front.astype(int) - back.astype(int)).mean() > 2


def test_zone_sites_are_drawn(views: list[Path]) -> None:
    top = _pixels(views[2]).astype(int)  # az 0, el -75: looking almost straight down
    red, green, blue = top[..., 0], top[..., 1], top[..., 2]
    assert ((green > red + 40) & (green > blue + 40)).sum() > 500, "no green goal zone"
    assert ((red > green + 60) & (red > blue + 60)).sum() > 500, "no red forbid zone"


def test_renders_are_byte_identical_across_runs(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path
) -> None:
    again = render_views(scene, tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in views]


def test_data_shows_the_given_state(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path
) -> None:
    data = mujoco.MjData(scene)
    data.qpos[:3] = [0.3, -0.3, 0.05]
    moved = render_views(scene, tmp_path, data=data)
    assert _pixels(moved[2]).tobytes() != _pixels(views[2]).tobytes()


def test_larger_size_leaves_the_model_unchanged(scene: mujoco.MjModel, tmp_path: Path) -> None:
    before = (scene.vis.global_.offwidth, scene.vis.global_.offheight)
    paths = render_views(scene, tmp_path, width=800, height=600)
    assert _pixels(paths[0]).shape == (600, 800, 3)
    assert (scene.vis.global_.offwidth, scene.vis.global_.offheight) == before


def test_quality_is_set_for_the_render_only_and_changes_the_frame(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path
) -> None:
    before = (scene.vis.quality.shadowsize, scene.vis.quality.offsamples)
    assert before == (4096, 4)  # MuJoCo's defaults; PREVIEW asks for less
    full = render_views(scene, tmp_path, quality=_gl.Quality())
    assert (scene.vis.quality.shadowsize, scene.vis.quality.offsamples) == before
    preview, model_own = _pixels(views[4]).astype(int), _pixels(full[4]).astype(int)
    # Multisampling smooths edges: some pixels differ, the picture does not.
    assert 0 < np.abs(preview - model_own).mean() < 1.0


def test_the_depth_only_shadow_map_gives_the_same_pixels(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from OpenGL import GL

    with _gl.ModelRenderer(scene, width=640, height=480, quality=_gl.PREVIEW) as renderer:
        mjr = renderer._mjr
        GL.glBindTexture(GL.GL_TEXTURE_2D, mjr.shadowTex)
        internal = GL.glGetTexLevelParameteriv(GL.GL_TEXTURE_2D, 0, GL.GL_TEXTURE_INTERNAL_FORMAT)
        assert internal == GL.GL_DEPTH_COMPONENT24
    monkeypatch.setattr(_gl, "_depth_only_shadow_map", lambda mjr: None)  # MuJoCo's D24S8
    as_mujoco_makes_it = render_views(scene, tmp_path)
    assert [p.read_bytes() for p in as_mujoco_makes_it] == [p.read_bytes() for p in views]


def test_keeping_the_first_views_shadow_map_gives_the_same_pixels(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = []
    keep = _gl.ModelRenderer.keep_shadow_map

    def counted(renderer: _gl.ModelRenderer) -> None:
        keep(renderer)
        kept.append(renderer._kept is not None)

    monkeypatch.setattr(_gl.ModelRenderer, "keep_shadow_map", counted)
    render_views(scene, tmp_path / "kept")
    assert kept == [True] * 24  # the views fixture was rendered so too
    monkeypatch.setattr(_gl.ModelRenderer, "keep_shadow_map", lambda renderer: None)
    each_its_own = render_views(scene, tmp_path / "own")
    assert [p.read_bytes() for p in each_its_own] == [p.read_bytes() for p in views]


def test_a_moved_state_draws_its_own_shadow_map(
    scene: mujoco.MjModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchgen.render.views import _bounds, _camera

    data, moved = mujoco.MjData(scene), mujoco.MjData(scene)
    mujoco.mj_forward(scene, data)
    moved.qpos[:3] = [0.25, 0.2, 0.3]  # the ball up in the air: its shadow moves on the floor
    mujoco.mj_forward(scene, moved)

    def after_keeping(*, notice_the_move: bool) -> bytes:
        with _gl.ModelRenderer(scene, width=640, height=480, quality=_gl.PREVIEW) as renderer:
            camera = _camera(scene, _bounds(scene, data, renderer.option), 0, -75, 640 / 480)
            renderer.render(data, camera)
            renderer.keep_shadow_map()
            assert renderer._kept is not None
            if not notice_the_move:  # what a renderer that never let the map go would do
                monkeypatch.setattr(renderer, "_state", lambda _data: renderer._kept.state)
            frame = renderer.render(moved, camera).tobytes()
            assert (renderer._kept is None) == notice_the_move
            return frame

    with _gl.ModelRenderer(scene, width=640, height=480, quality=_gl.PREVIEW) as renderer:
        camera = _camera(scene, _bounds(scene, data, renderer.option), 0, -75, 640 / 480)
        fresh = renderer.render(moved, camera).tobytes()
    assert after_keeping(notice_the_move=True) == fresh
    assert after_keeping(notice_the_move=False) != fresh  # a stale map shows: the test can fail


def test_views_hand_over_their_contact_sheet_thumbnails(
    scene: mujoco.MjModel, views: list[Path], tmp_path: Path
) -> None:
    thumbs: list[Image.Image] = []
    render_views(scene, tmp_path, thumbnails=thumbs, thumbnail_width=240)
    assert [t.size for t in thumbs] == [(240, 180)] * 24
    with Image.open(views[0]) as first:
        scaled = np.asarray(first.convert("RGB").resize((240, 180), Image.Resampling.LANCZOS))
    assert np.abs(np.asarray(thumbs[0]).astype(int) - scaled).mean() < 2.0


@pytest.mark.parametrize(
    ("width", "height"),
    [pytest.param(320, 240, id="quarter"), pytest.param(640, 479, id="one-row-short")],
)
def test_small_images_are_rejected(
    scene: mujoco.MjModel, tmp_path: Path, width: int, height: int
) -> None:
    with pytest.raises(RenderError, match=r"at least 640×480"):
        render_views(scene, tmp_path, width=width, height=height)


def test_a_scene_with_nothing_visible_is_rejected_as_black(
    invisible: mujoco.MjModel, tmp_path: Path
) -> None:
    with pytest.raises(RenderError, match="entirely black"):
        render_views(invisible, tmp_path)


def test_a_black_frame_from_the_renderer_is_rejected(
    scene: mujoco.MjModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        _gl.ModelRenderer,
        "render_raw",
        lambda self, data, camera: np.zeros((480, 640, 3), np.uint8),
    )
    with pytest.raises(RenderError, match=r"view view_az000_el15\.png is entirely black"):
        render_views(scene, tmp_path)


def test_one_gl_context_serves_every_model_and_nothing_is_held_after(
    scene: mujoco.MjModel, fresh_scene: mujoco.MjModel, invisible: mujoco.MjModel, tmp_path: Path
) -> None:
    render_views(scene, tmp_path / "a")
    context = _gl._context
    with pytest.raises(RenderError):
        render_views(invisible, tmp_path / "b")
    render_views(fresh_scene, tmp_path / "c")
    assert _gl._context is context
    assert _lock_is_free()


def _lock_is_free() -> bool:
    """Return whether another thread can take the GL lock (a failed render must release it)."""
    taken: list[bool] = []

    def take() -> None:
        if _gl._LOCK.acquire(timeout=5):
            taken.append(True)
            _gl._LOCK.release()

    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return taken == [True]


def test_model_renderer_frees_its_gpu_context(scene: mujoco.MjModel) -> None:
    data = mujoco.MjData(scene)
    mujoco.mj_forward(scene, data)
    with _gl.ModelRenderer(scene, width=640, height=480) as renderer:
        assert renderer._mjr is not None
    assert renderer._mjr is None
    with pytest.raises(RuntimeError, match="with block"):
        renderer.render(data, mujoco.MjvCamera())


def test_views_render_from_worker_threads(
    scene: mujoco.MjModel, fresh_scene: mujoco.MjModel, tmp_path: Path
) -> None:
    # The server renders from a thread pool: the one EGL context must move between threads.
    render_views(scene, tmp_path / "main")
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(
            pool.map(lambda i: len(render_views(fresh_scene, tmp_path / str(i))), range(3))
        )
    assert counts == [24, 24, 24]
    assert len(render_views(scene, tmp_path / "main-again")) == 24
