"""Benchmark the render stage: first frame, per view, 24 views, video, and RSS over 50 models.

Run: .venv/bin/python benchmarks/bench_render.py [--models 50] [--compare] [--smoke]

The per-frame line compares the model's own GL settings (MuJoCo's 4096² shadow map and 4×
multisampling, what benchgen rendered with before issue 13) with ``PREVIEW``, in CPU ms
(every thread of the GL driver) and wall ms. The whole render stage, old code against new
on the same scenarios, is measured by ``bench_compare.py``.

``--compare`` also times the alternative benchgen does not use: a new GL context per
model, which is what a new ``mujoco.Renderer`` per model costs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import mujoco
import numpy as np
import psutil

import benchgen.render as render
from benchgen.render import _gl, views

_SCENE = """
<mujoco model="bench_{i}">
  <asset>
    <mesh name="wedge" vertex="0 0 0  {w} 0 0  0 {w} 0  0 0 {w}"/>
  </asset>
  <worldbody>
    <light pos="0 0 2" dir="0 0 -1"/>
    <geom type="box" size="{half} {half} .02" pos="0 0 -.02" rgba=".6 .6 .65 1"/>
    <geom type="mesh" mesh="wedge" pos="-.1 .1 0" rgba=".4 .5 .8 1"/>
    {boxes}
    <body pos="-.3 0 .05"><freejoint/><geom type="sphere" size=".05" rgba=".85 .25 .15 1"/></body>
    <site name="zone_goal" type="box" size=".1 .1 .05" pos=".3 0 .05" rgba=".1 .8 .2 .35"/>
    <site name="zone_forbid_0" type="box" size=".08 .08 .05" pos="0 .3 .05" rgba=".9 .1 .1 .35"/>
    <site name="zone_build" type="box" size=".1 .1 .1" pos="0 -.3 .1" rgba=".2 .4 .9 .12"/>
  </worldbody>
</mujoco>
"""


def scene(i: int) -> mujoco.MjModel:
    """Return the i-th benchmark model (different sizes and part counts, one mesh)."""
    rng = np.random.default_rng(i)
    boxes = "\n".join(
        f'<geom type="box" size="{s:.3f} {s:.3f} {s:.3f}" pos="{x:.3f} {y:.3f} {s:.3f}"/>'
        for s, x, y in zip(rng.uniform(0.02, 0.06, 6), *rng.uniform(-0.4, 0.4, (2, 6)), strict=True)
    )
    half = rng.uniform(0.45, 0.8)
    return mujoco.MjModel.from_xml_string(_SCENE.format(i=i, w=0.1, half=half, boxes=boxes))


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def first_frame(model: mujoco.MjModel) -> float:
    """Time from nothing (no GL context) to the first 640×480 frame in memory."""
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    start = time.perf_counter()
    with _gl.ModelRenderer(model, width=640, height=480, quality=_gl.PREVIEW) as renderer:
        bounds = views._bounds(model, data, renderer.option)
        renderer.render(data, views._camera(model, bounds, 0, -15, 640 / 480))
    return time.perf_counter() - start


def per_view(model: mujoco.MjModel) -> tuple[float, float]:
    """Return the median time of one view: rendered to memory, and rendered + PNG."""
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    raw = []
    with _gl.ModelRenderer(model, width=640, height=480, quality=_gl.PREVIEW) as renderer:
        bounds = views._bounds(model, data, renderer.option)
        for az in views.AZIMUTHS:
            for el in views.ELEVATIONS:
                start = time.perf_counter()
                renderer.render(data, views._camera(model, bounds, az, el, 640 / 480))
                raw.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        render.render_views(model, Path(tmp))
        with_png = (time.perf_counter() - start) / 24
    return statistics.median(raw), with_png


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_frame(model: mujoco.MjModel, quality: _gl.Quality, rounds: int = 3) -> tuple[float, float]:
    """Return the best CPU and wall seconds of one 640×480 frame over ``rounds`` × 24 views."""
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    best_cpu = best_wall = float("inf")
    with _gl.ModelRenderer(model, width=640, height=480, quality=quality) as renderer:
        bounds = views._bounds(model, data, renderer.option)
        cameras = [
            views._camera(model, bounds, az, el, 640 / 480)
            for az in views.AZIMUTHS
            for el in views.ELEVATIONS
        ]
        renderer.render_raw(data, cameras[0])
        for _ in range(rounds):
            cpu, start = _cpu(), time.perf_counter()
            for camera in cameras:
                renderer.render_raw(data, camera)
            best_cpu = min(best_cpu, (_cpu() - cpu) / len(cameras))
            best_wall = min(best_wall, (time.perf_counter() - start) / len(cameras))
    return best_cpu, best_wall


def many(count: int) -> tuple[list[float], list[float]]:
    """Render the 24 views of ``count`` different models; return times and RSS after each."""
    times, rss = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            model = scene(i)
            start = time.perf_counter()
            render.render_views(model, Path(tmp) / str(i))
            times.append(time.perf_counter() - start)
            del model
            rss.append(rss_mb())
    return times, rss


def video_time(model: mujoco.MjModel, seconds: float) -> float:
    data = mujoco.MjData(model)
    data.qvel[0] = 1.0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        render.render_video(model, data, Path(tmp) / "v.mp4", seconds=seconds)
        return time.perf_counter() - start


def _state(model: mujoco.MjModel) -> tuple[mujoco.MjData, mujoco.MjvCamera]:
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    camera = mujoco.MjvCamera()
    mujoco.mjv_defaultFreeCamera(model, camera)
    return data, camera


def new_context_frames(model: mujoco.MjModel) -> float:
    """Time 24 frames with a new EGL context for the model, as ``mujoco.Renderer`` does."""
    data, camera = _state(model)
    start = time.perf_counter()
    context = _gl._context_class()(640, 480)
    context.make_current()
    mjr = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_100)
    mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN, mjr)
    scn, option = mujoco.MjvScene(model, maxgeom=10_000), mujoco.MjvOption()
    rect, pixels = mujoco.MjrRect(0, 0, 640, 480), np.empty((480, 640, 3), np.uint8)
    for _ in range(24):
        mujoco.mjv_updateScene(model, data, option, None, camera, mujoco.mjtCatBit.mjCAT_ALL, scn)
        mujoco.mjr_render(rect, scn, mjr)
        mujoco.mjr_readPixels(pixels, None, rect, mjr)
    mjr.free()
    context.free()
    elapsed = time.perf_counter() - start
    _gl._gl_context()  # make benchgen's context current again
    return elapsed


def shared_context_frames(model: mujoco.MjModel) -> float:
    """Time the same 24 frames through benchgen's shared context."""
    data, camera = _state(model)
    start = time.perf_counter()
    with _gl.ModelRenderer(model, width=640, height=480) as renderer:
        for _ in range(24):
            renderer.render(data, camera)
    return time.perf_counter() - start


def compare(count: int) -> tuple[float, float]:
    """Median times of both strategies, interleaved model by model so load hits both alike."""
    pairs = [(new_context_frames(scene(i)), shared_context_frames(scene(i))) for i in range(count)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="a few models, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.models = 3
    rss_start = rss_mb()
    print(f"first frame (GL context + model upload + render): {first_frame(scene(0)):.3f} s")
    old_cpu, old_wall = per_frame(scene(1), _gl.Quality())
    new_cpu, new_wall = per_frame(scene(1), _gl.PREVIEW)
    print(
        f"per frame, model's own settings: {old_cpu * 1000:.1f} ms CPU, {old_wall * 1000:.1f} ms "
        f"wall; PREVIEW: {new_cpu * 1000:.1f} ms CPU, {new_wall * 1000:.1f} ms wall "
        f"({old_cpu / new_cpu:.1f}x less CPU)"
    )
    raw, with_png = per_view(scene(1))
    print(f"per view: {raw * 1000:.1f} ms rendered, {with_png * 1000:.1f} ms with PNG written")
    times, rss = many(args.models)
    print(
        f"24 views, {args.models} models: median {statistics.median(times):.3f} s, "
        f"min {min(times):.3f} s, max {max(times):.3f} s"
    )
    marks = [n for n in (1, 10, 25, 50, 100, 200, 500, 1000) if n <= len(rss)]
    print(
        f"RSS MB: before any render {rss_start:.0f}; after model "
        + ", ".join(f"{n}: {rss[n - 1]:.0f}" for n in marks)
        + f"; growth from model 10 to {len(rss)}: {rss[-1] - rss[min(9, len(rss) - 1)]:+.1f} MB"
    )
    frames = round(3.0 * views.VIDEO_FPS)
    print(
        f"video 3 s at {views.VIDEO_FPS} fps ({frames} frames, 640x480): "
        f"{video_time(scene(2), 3.0):.3f} s"
    )
    if args.compare:
        new, shared = compare(20)
        print(
            f"24 frames, median of 20 models: new GL context per model {new:.3f} s, "
            f"shared context {shared:.3f} s"
        )


if __name__ == "__main__":
    main()
