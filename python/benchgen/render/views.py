"""The 24 still views of a model and the video of a trial, rendered offscreen.

The views follow the seed's reference implementation
(docs/architecture.md#the-seeds-reference-implementation): azimuth 0–315° in steps of
45° times elevation −15°, −45°, −75°, 640×480, a free camera aimed at the centre of what is
visible (geoms and zone sites) from a distance that fits all of it in the frame.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image

from benchgen.errors import RenderError
from benchgen.render._gl import PREVIEW, ModelRenderer, Quality, check_image, mujoco
from benchgen.render._png import write_png

__all__ = [
    "AZIMUTHS",
    "ELEVATIONS",
    "THUMBNAIL_SIZE",
    "VIDEO_FPS",
    "VIDEO_VIEW",
    "render_thumbnail",
    "render_video",
    "render_views",
    "view_name",
]

AZIMUTHS = tuple(range(0, 360, 45))
ELEVATIONS = (-15, -45, -75)
VIDEO_VIEW = (135.0, -30.0)  # azimuth, elevation of the video camera (degrees)
#: Frames per simulated second of the video: a preview, smooth enough to follow a push
#: (each frame costs as much as a view).
VIDEO_FPS = 15
#: A scenario's first picture (lists, the dock): the video camera's view at rest, rendered
#: at twice this size and averaged 2×2, which smooths its edges.
THUMBNAIL_SIZE = (320, 240)
_MARGIN = 1.08  # 8 % of air around the visible box
# Deterministic H.264: one encoder thread (x264's output depends on the thread count) and
# no encoder or muxer version strings in the container (ffmpeg's bitexact flags). The
# "veryfast" preset takes two thirds of the CPU of "medium" for files as small for these
# mostly still scenes (60 frames: 0.26 s against 0.39 s, 8.4 kB against 8.9 kB). Frames
# go out bottom row first, as OpenGL reads them; ffmpeg flips them, so no frame is copied.
_X264 = ["-vf", "vflip", "-preset", "veryfast", "-crf", "23", "-threads", "1", "-g", "60"]
_BITEXACT = ["-flags", "+bitexact", "-fflags", "+bitexact", "-map_metadata", "-1"]


@dataclass(frozen=True)
class _Bounds:
    """An axis-aligned box around everything the camera draws."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def center(self) -> np.ndarray:
        return (self.lo + self.hi) / 2

    @property
    def corners(self) -> np.ndarray:
        return np.array(list(itertools.product(*zip(self.lo, self.hi, strict=True))))


def view_name(azimuth: int, elevation: int) -> str:
    """Return the file name of one view, e.g. ``view_az045_el15.png``."""
    return f"view_az{azimuth:03d}_el{abs(elevation):02d}.png"


def _box_extent(xmat: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Return the world-axis half extents of a box with orientation ``xmat`` (3×3)."""
    return np.abs(xmat.reshape(3, 3)) @ half


def _visible_boxes(
    model: mujoco.MjModel, data: mujoco.MjData, option: mujoco.MjvOption
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return (centre, half extents) of every geom and site the camera will draw."""
    boxes = []
    for g in range(model.ngeom):
        hidden = (
            not option.geomgroup[min(int(model.geom_group[g]), 5)] or model.geom_rgba[g, 3] == 0
        )
        if hidden or model.geom_type[g] == mujoco.mjtGeom.mjGEOM_PLANE:
            continue  # a plane is infinite: fitting it would push the camera away
        xmat = data.geom_xmat[g]
        centre = data.geom_xpos[g] + xmat.reshape(3, 3) @ model.geom_aabb[g, :3]
        boxes.append((centre, _box_extent(xmat, model.geom_aabb[g, 3:])))
    for s in range(model.nsite):
        if not option.sitegroup[min(int(model.site_group[s]), 5)]:
            continue
        size = model.site_size[s]
        half = (
            size
            if model.site_type[s] == mujoco.mjtGeom.mjGEOM_BOX
            else np.full(3, np.linalg.norm(size))
        )
        boxes.append((data.site_xpos[s].copy(), _box_extent(data.site_xmat[s], half)))
    return boxes


def _bounds(model: mujoco.MjModel, data: mujoco.MjData, option: mujoco.MjvOption) -> _Bounds:
    """Return the box around what is visible, or around MuJoCo's own estimate if nothing is."""
    boxes = _visible_boxes(model, data, option)
    if not boxes:
        centre, half = (
            np.array(model.stat.center),
            np.full(3, max(float(model.stat.extent), 0.1) / 2),
        )
        return _Bounds(centre - half, centre + half)
    lo = np.min([c - h for c, h in boxes], axis=0)
    hi = np.max([c + h for c, h in boxes], axis=0)
    pad = np.maximum((hi - lo) * (_MARGIN - 1) / 2, 0.005)  # and never a zero-thickness box
    return _Bounds(lo - pad, hi + pad)


def _fit_distance(
    bounds: _Bounds, azimuth: float, elevation: float, fovy: float, aspect: float
) -> float:
    """Return the smallest camera distance at which every corner of ``bounds`` is in frame.

    A corner at offset ``r`` from the look-at point projects inside the frustum when
    ``|r·right| <= tan(fovx/2) (d + r·forward)`` and likewise for ``up`` and ``fovy``;
    solve both for ``d`` and take the largest. The axes are those of MuJoCo's free
    camera (``mjv_updateScene``: forward from azimuth/elevation, up from world +z).
    """
    az, el = math.radians(azimuth), math.radians(elevation)
    forward = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    tan_y = math.tan(math.radians(fovy) / 2)
    offsets = bounds.corners - bounds.center
    need_x = np.abs(offsets @ right) / (tan_y * aspect) - offsets @ forward
    need_y = np.abs(offsets @ up) / tan_y - offsets @ forward
    return float(max(need_x.max(), need_y.max()))


def _camera(
    model: mujoco.MjModel, bounds: _Bounds, azimuth: float, elevation: float, aspect: float
) -> mujoco.MjvCamera:
    """Return a free camera at ``azimuth``/``elevation`` aimed at ``bounds``, fitting all of it."""
    camera = mujoco.MjvCamera()
    camera.type = mujoco.mjtCamera.mjCAMERA_FREE
    camera.lookat[:] = bounds.center
    fovy = float(model.vis.global_.fovy)
    camera.distance = _fit_distance(bounds, azimuth, elevation, fovy, aspect)
    camera.azimuth, camera.elevation = azimuth, elevation
    return camera


def _check_size(width: int, height: int) -> None:
    check_image(np.full((height, width, 1), 255, np.uint8), what=f"a {width}×{height} render")


def _forwarded(model: mujoco.MjModel, data: mujoco.MjData | None) -> mujoco.MjData:
    """Return ``data`` (or a fresh state) with positions computed; the trajectory is unchanged."""
    data = mujoco.MjData(model) if data is None else data
    mujoco.mj_forward(model, data)
    return data


def render_views(
    model: mujoco.MjModel,
    out_dir: Path,
    *,
    width: int = 640,
    height: int = 480,
    data: mujoco.MjData | None = None,
    quality: Quality = PREVIEW,
    thumbnails: list[Image.Image] | None = None,
    thumbnail_width: int = 240,
) -> list[Path]:
    """Render the 24 standard views of a model as PNG files.

    Args:
        model: the compiled model; zone sites in site groups 0–3 are drawn translucent.
        out_dir: the images go to ``out_dir/images/view_az{az:03d}_el{|el|:02d}.png``.
        width: image width in pixels, at least 640.
        height: image height in pixels, at least 480.
        data: the state to show (``mj_forward`` is run on it, which leaves the
            trajectory unchanged); default: the model's initial state.
        quality: the GL driver's work per frame (``Quality()``: the model's own settings).
        thumbnails: when given, each view's contact-sheet thumbnail is appended to it,
            made from the pixels in memory (the sheet then reads no PNG back).
        thumbnail_width: the width of those thumbnails.

    Returns:
        The 24 image paths, azimuth-major (az 0 el −15, az 0 el −45, ...).

    Raises:
        RenderError: no GL context, or an image smaller than 640×480 or entirely black.
    """
    _check_size(width, height)
    data = _forwarded(model, data)
    images = out_dir / "images"
    images.mkdir(parents=True, exist_ok=True)
    paths = []
    with ModelRenderer(model, width=width, height=height, quality=quality) as renderer:
        bounds = _bounds(model, data, renderer.option)
        for azimuth in AZIMUTHS:
            for elevation in ELEVATIONS:
                path = images / view_name(azimuth, elevation)
                camera = _camera(model, bounds, azimuth, elevation, width / height)
                pixels = renderer.render(data, camera, reuse=True)
                renderer.keep_shadow_map()  # one state: the first view's map serves all 24
                check_image(pixels, what=f"view {path.name}")
                write_png(pixels, path)
                if thumbnails is not None:
                    thumbnails.append(_shrunk(Image.fromarray(pixels), thumbnail_width))
                paths.append(path)
    return paths


def _shrunk(image: Image.Image, width: int) -> Image.Image:
    """Return ``image`` scaled to ``width`` pixels wide (halved by 2×2 averages first)."""
    height = round(image.height * width / image.width)
    while image.width >= 2 * width:
        image = image.reduce(2)  # a box filter: exact and much cheaper than Lanczos on it
    return image.resize((width, height), Image.Resampling.LANCZOS)


def render_thumbnail(
    model: mujoco.MjModel,
    out: Path,
    *,
    data: mujoco.MjData | None = None,
    quality: Quality = PREVIEW,
) -> Path:
    """Render one frame from the video camera and write it as a ``THUMBNAIL_SIZE`` PNG.

    Args:
        model: the compiled model.
        out: the PNG file to write.
        data: the state to show (see :func:`render_views`); default: the initial state.
        quality: the GL driver's work per frame (see :func:`render_views`).

    Returns:
        ``out``.

    Raises:
        RenderError: no GL context, or a black frame.
    """
    width, height = (2 * v for v in THUMBNAIL_SIZE)
    data = _forwarded(model, data)
    with ModelRenderer(model, width=width, height=height, quality=quality) as renderer:
        camera = _camera(model, _bounds(model, data, renderer.option), *VIDEO_VIEW, width / height)
        pixels = renderer.render(data, camera)
    check_image(pixels, what=f"thumbnail {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_png(np.asarray(Image.fromarray(pixels).reduce(2)), out)


def _open_video(out: Path, *, fps: int, width: int, height: int):  # type: ignore[no-untyped-def]
    """Start ffmpeg (imageio-ffmpeg's own binary) writing deterministic H.264 to ``out``."""
    writer = imageio_ffmpeg.write_frames(
        str(out),
        (width, height),
        fps=fps,
        codec="libx264",
        pix_fmt_out="yuv420p",
        quality=None,  # rate control comes from _X264 (-crf), not imageio's quality scale
        macro_block_size=2,  # yuv420p needs even sizes; 16 would rescale with a warning
        ffmpeg_log_level="error",
        output_params=_X264 + _BITEXACT,
    )
    writer.send(None)  # the generator runs up to its first yield and starts ffmpeg
    return writer


def render_video(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    out: Path,
    *,
    seconds: float,
    fps: int = VIDEO_FPS,
    width: int = 640,
    height: int = 480,
    step: Callable[[mujoco.MjModel, mujoco.MjData], None] | None = None,
    quality: Quality = PREVIEW,
) -> Path:
    """Simulate ``data`` forward and write what a fixed oblique camera sees as an MP4.

    Args:
        model: the model ``data`` belongs to.
        data: the state at the first frame, set up by the caller (e.g. with a push);
            it is stepped in place.
        out: the ``.mp4`` file to write (H.264, yuv420p, deterministic encoder settings).
        seconds: simulated time to show; the video has ``round(seconds * fps)`` frames.
        fps: frames per simulated second.
        width: image width in pixels, at least 640 and even.
        height: image height in pixels, at least 480 and even.
        step: advances ``data`` by one physics step; default ``mujoco.mj_step``. Pass a
            function that applies controls and then steps, for an actuated solution.
        quality: the GL driver's work per frame (see :func:`render_views`).

    Returns:
        ``out``.

    Raises:
        RenderError: no GL context, a black frame, or ffmpeg failed to encode.
    """
    _check_size(width, height)
    if width % 2 or height % 2:
        raise RenderError(
            f"video size {width}×{height} must be even for yuv420p H.264: pass even sizes"
        )
    if seconds <= 0 or fps <= 0:
        raise RenderError(
            f"a video needs seconds > 0 and fps > 0; got seconds={seconds}, fps={fps}"
        )
    mujoco.mj_forward(model, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        _encode(
            model,
            data,
            out,
            frames=round(seconds * fps),
            fps=fps,
            size=(width, height),
            step=step,
            quality=quality,
        )
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a truncated video under its final name
        raise
    if not out.is_file() or out.stat().st_size == 0:
        raise RenderError(
            f"ffmpeg wrote no video to {out}; check that imageio-ffmpeg's ffmpeg runs"
        )
    return out


def _encode(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    out: Path,
    *,
    frames: int,
    fps: int,
    size: tuple[int, int],
    step: Callable[[mujoco.MjModel, mujoco.MjData], None] | None,
    quality: Quality,
) -> None:
    """Render ``frames`` frames of the trial into ``out``."""
    with ModelRenderer(model, width=size[0], height=size[1], quality=quality) as renderer:
        camera = _camera(
            model, _bounds(model, data, renderer.option), *VIDEO_VIEW, size[0] / size[1]
        )
        writer = _open_video(out, fps=fps, width=size[0], height=size[1])
        try:
            for pixels in _frames(
                model, data, renderer, camera, frames, fps, step or mujoco.mj_step
            ):
                check_image(pixels, what=f"a frame of {out.name}")
                writer.send(pixels)  # bottom row first: ffmpeg's vflip turns it upright
        except OSError as exc:
            raise RenderError(f"ffmpeg failed to encode {out}: {exc}") from exc
        finally:
            writer.close()  # waits for ffmpeg to finish the file


def _frames(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    renderer: ModelRenderer,
    camera: mujoco.MjvCamera,
    count: int,
    fps: int,
    advance: Callable[[mujoco.MjModel, mujoco.MjData], None],
) -> Iterator[np.ndarray]:
    """Yield ``count`` frames (bottom row first, in one reused buffer) at ``start + i / fps``."""
    start = float(data.time)
    for i in range(count):
        # Step until the next frame's time; half a step of slack absorbs float round-off.
        while data.time < start + i / fps - 0.5 * model.opt.timestep:
            advance(model, data)
        yield renderer.render_raw(data, camera)
