"""One offscreen OpenGL context per process, and a renderer bound to one model at a time.

``mujoco.Renderer`` creates a new GL context for every model. Measured on these machines
(Mesa llvmpipe through EGL, ``benchmarks/bench_render.py --compare``): uploading a model
to an existing context (a new ``MjrContext``) takes ~0.03 s, a new context adds ~0.05 s
and a slower first frame, about 7 % of a 24-view render. So benchgen keeps one EGL
context per process (also sparing the driver thousands of context create/destroy cycles)
and frees each model's ``MjrContext`` as soon as its images are written: nothing per model
outlives its render (RSS flat over 300 models).

Importing this module chooses the GL backend before anything imports MuJoCo:
``MUJOCO_GL`` defaults to ``egl``. MuJoCo imports its GL backend eagerly, so an unusable
one (``MUJOCO_GL=osmesa`` without libOSMesa) makes ``import mujoco`` itself fail deep in
PyOpenGL; this module then imports MuJoCo without a backend, so simulation still works,
and reports the failure as a :class:`~benchgen.errors.RenderError` at the first render.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

os.environ.setdefault("MUJOCO_GL", "egl")


def _import_mujoco() -> Exception | None:
    """Import mujoco; if its GL backend import breaks, import it again with the backend off."""
    try:
        import mujoco

        return None
    except ImportError:
        raise
    except Exception as exc:  # PyOpenGL raises AttributeError for a missing libOSMesa
        failure = exc
    for name in [n for n in sys.modules if n.split(".")[0] in ("mujoco", "OpenGL")]:
        del sys.modules[name]
    requested = os.environ["MUJOCO_GL"]
    os.environ["MUJOCO_GL"] = "disable"
    try:
        import mujoco  # noqa: F401
    finally:
        os.environ["MUJOCO_GL"] = requested
    return failure


_IMPORT_FAILURE = _import_mujoco()

import mujoco  # noqa: E402  (after the backend is chosen, as MuJoCo's docs require)
import numpy as np  # noqa: E402

from benchgen.errors import RenderError  # noqa: E402

__all__ = [
    "BLACK_LEVEL",
    "MIN_HEIGHT",
    "MIN_WIDTH",
    "PREVIEW",
    "ModelRenderer",
    "Quality",
    "check_image",
    "close_gl",
]

MIN_WIDTH, MIN_HEIGHT = 640, 480
BLACK_LEVEL = 8  # brightest channel value at or below which an image counts as black
_PACKAGES = "libegl1 libegl-mesa0 libgl1-mesa-dri"
_LOCK = threading.RLock()  # one GL context can be current in one thread at a time
_context: Any = None
_context_pid = 0
_context_error: RenderError | None = None


def _gl_failure(exc: BaseException) -> RenderError:
    """Return the RenderError that explains why no GL context could be made."""
    backend = os.environ.get("MUJOCO_GL", "")
    return RenderError(
        f"MuJoCo could not create an OpenGL context (MUJOCO_GL={backend}): "
        f"{type(exc).__name__}: {exc}. Use MUJOCO_GL=egl and install {_PACKAGES}, "
        "or pass --no-renders to skip rendering."
    )


def _context_class() -> Any:
    """Return the GLContext class of the backend MUJOCO_GL names."""
    backend = os.environ.get("MUJOCO_GL", "egl").strip().lower()
    if backend == "egl":
        from mujoco.egl import GLContext
    elif backend == "osmesa":
        from mujoco.osmesa import GLContext
    elif backend == "glfw":
        from mujoco.glfw import GLContext
    else:
        raise ValueError(
            f"{backend!r} is not an offscreen backend benchgen supports (egl, osmesa, glfw)"
        )
    return GLContext


def _gl_context() -> Any:
    """Return this process's GL context (current in no thread); create it on first use."""
    global _context, _context_pid, _context_error
    if _context is not None and _context_pid != os.getpid():
        _context = None  # inherited through fork: the parent owns it, never touch it here
    if _context is None:
        if _context_error is not None:
            raise _context_error
        try:
            if _IMPORT_FAILURE is not None:
                raise _IMPORT_FAILURE
            context = _context_class()(MIN_WIDTH, MIN_HEIGHT)
            with context.as_current():  # prove it can be made current, then release it
                pass
        except Exception as exc:
            _context_error = _gl_failure(exc)
            raise _context_error from exc
        _context, _context_pid = context, os.getpid()
    return _context


def close_gl() -> None:
    """Free this process's GL context (the next render creates a new one)."""
    global _context
    with _LOCK:
        if _context is not None and _context_pid == os.getpid():
            _context.free()
        _context = None


def check_image(pixels: np.ndarray, *, what: str) -> None:
    """Raise RenderError when an image is smaller than 640×480 or entirely black."""
    height, width = pixels.shape[:2]
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise RenderError(
            f"{what} is {width}×{height} pixels; renders must be at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}: pass width and height of at least that"
        )
    brightest = int(pixels.max(initial=0))
    if brightest <= BLACK_LEVEL:
        raise RenderError(
            f"{what} is entirely black (brightest value {brightest}); the camera sees "
            "nothing: check that the model has visible geoms (groups 0-2) and lights, "
            "and that the OpenGL driver renders (MUJOCO_GL=egl with Mesa)"
        )


@dataclass(frozen=True)
class Quality:
    """How much work the GL driver does per frame (read by ``MjrContext`` when it is made).

    Attributes:
        shadowsize: side of the shadow map in texels, or None for the model's own
            (``mjVisual.quality.shadowsize``, MuJoCo's default 4096).
        samples: multisamples per pixel, or None for the model's own (``offsamples``, 4).
    """

    shadowsize: int | None = None
    samples: int | None = None


#: What benchgen renders with. On Mesa's llvmpipe (the CPU rasterizer of machines without
#: a GPU) a 640×480 frame of a scenario costs about 60 ms of CPU with the model's defaults,
#: of which the 4096² shadow map of the sun is 30 ms (llvmpipe clears its depth bits texel
#: by texel, keeping the stencil bits of MuJoCo's 24/8 format) and 4× multisampling 25 ms.
#: A 2048² map costs a quarter and keeps the shadows clean (at 1536² a thin wall's shadow
#: speckles the floor); without multisampling an edge steps by a pixel, which the views at
#: their size and the contact sheet's thumbnails do not show. That leaves about 10 ms a
#: frame on a quiet machine: 4 of them the shadow map (which the 24 views of one state
#: draw once, :meth:`ModelRenderer.keep_shadow_map`), 4 to 5 the skybox, which MuJoCo
#: draws after the opaque geoms (``benchmarks/bench_render.py`` measures both settings).
PREVIEW = Quality(shadowsize=2048, samples=0)


#: A depth texture format of the shadow map: internal format, pixel format, pixel type,
#: and the framebuffer attachment point it goes to.
_DepthFormat = tuple[int, int, int, int]


def _depth_only_shadow_map(mjr: Any) -> _DepthFormat | None:
    """Give the shadow map of ``mjr`` the same 24 bits of depth and no stencil.

    MuJoCo makes it ``GL_DEPTH24_STENCIL8`` and clears only its depth before each frame's
    shadow pass, which uses no stencil; llvmpipe does such a clear texel by texel, masking
    the stencil bits, 3 ms of a 16 ms frame at 2048². A ``GL_DEPTH_COMPONENT24`` map clears
    with a memset and gives the same pixels (``tests/python/render/test_gl.py``). If the
    driver refuses it as the framebuffer's depth, MuJoCo's format is put back.

    Returns:
        The format the map has now, or None for a context without a shadow map.
    """
    if not mjr.shadowFBO:
        return None
    from OpenGL import GL  # PyOpenGL, on the platform MUJOCO_GL chose (mujoco.egl sets it)

    def attach(internal: int, source: int, kind: int, point: int) -> bool:
        size = int(mjr.shadowSize)
        GL.glBindTexture(GL.GL_TEXTURE_2D, mjr.shadowTex)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, internal, size, size, 0, source, kind, None)
        for other in (GL.GL_DEPTH_STENCIL_ATTACHMENT, GL.GL_DEPTH_ATTACHMENT):
            GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, other, GL.GL_TEXTURE_2D, 0, 0)
        GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, point, GL.GL_TEXTURE_2D, mjr.shadowTex, 0)
        return bool(GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER) == GL.GL_FRAMEBUFFER_COMPLETE)

    bound = GL.glGetIntegerv(GL.GL_TEXTURE_BINDING_2D)
    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, mjr.shadowFBO)
    depth_only = (GL.GL_DEPTH_COMPONENT24, GL.GL_DEPTH_COMPONENT, GL.GL_UNSIGNED_INT)
    chosen = (*depth_only, GL.GL_DEPTH_ATTACHMENT)
    if not attach(*chosen):
        mujocos = (GL.GL_DEPTH24_STENCIL8, GL.GL_DEPTH_STENCIL, GL.GL_UNSIGNED_INT_24_8)
        chosen = (*mujocos, GL.GL_DEPTH_STENCIL_ATTACHMENT)
        attach(*chosen)
    GL.glBindTexture(GL.GL_TEXTURE_2D, bound)
    return chosen


def _attach_shadow_target(mjr: Any, texture: int, point: int) -> None:
    """Make ``texture`` the depth the shadow pass of ``mjr`` draws into (not the one it reads)."""
    from OpenGL import GL

    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, mjr.shadowFBO)
    GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, point, GL.GL_TEXTURE_2D, texture, 0)
    mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN, mjr)


class _KeptShadowMap:
    """The shadow map of one state, kept while frames of that same state are drawn.

    MuJoCo draws the sun's shadow map anew for every frame (clear, then every geom from
    the light), 4 of a 10 ms frame on llvmpipe at 2048², and samples it from the texture
    ``mjr.shadowTex``. The map depends on the geoms, the light and the camera's near and
    far planes (MuJoCo's light projection uses them), not on where the camera looks. So
    after one frame of a state, the shadow pass is pointed at a 1×1 texture of the same
    format: it draws nothing that is read, and the frames that follow sample the map of
    the first, which is what they would have drawn (the same pixels,
    ``tests/python/render/test_views.py``).
    """

    def __init__(self, mjr: Any, depth: _DepthFormat, state: tuple[bytes, float, float]) -> None:
        from OpenGL import GL

        self.state = state
        self._mjr, self._point = mjr, depth[3]
        self._dummy = int(GL.glGenTextures(1))
        bound = GL.glGetIntegerv(GL.GL_TEXTURE_BINDING_2D)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._dummy)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, depth[0], 1, 1, 0, depth[1], depth[2], None)
        GL.glBindTexture(GL.GL_TEXTURE_2D, bound)
        _attach_shadow_target(mjr, self._dummy, self._point)

    def release(self) -> None:
        """Point the shadow pass back at the map itself and free the 1×1 texture."""
        from OpenGL import GL

        _attach_shadow_target(self._mjr, int(self._mjr.shadowTex), self._point)
        GL.glDeleteTextures(1, [self._dummy])


class ModelRenderer:
    """Render one model with the process's GL context; use it as a context manager.

    Holds the model's ``MjrContext`` (meshes and textures uploaded to the GPU), an
    ``MjvScene`` and one pixel buffer, reused for every frame; :meth:`close` frees the
    GPU side, so a worker rendering thousands of scenarios keeps one context and no
    per-model leftovers.
    """

    def __init__(
        self, model: mujoco.MjModel, *, width: int, height: int, quality: Quality = Quality()
    ) -> None:
        self._model = model
        self._width, self._height = width, height
        self._quality = quality
        self._rect = mujoco.MjrRect(0, 0, width, height)
        self._buffer = np.empty((height, width, 3), dtype=np.uint8)
        self._upright = np.empty_like(self._buffer)
        # Room for every geom and site and some decoration: an MjvScene costs its maxgeom
        # in allocation (39 ms for 10,000, 3 ms for 1,000), paid per renderer.
        self._scene = mujoco.MjvScene(model, maxgeom=model.ngeom + model.nsite + 1000)
        self.option = mujoco.MjvOption()
        self.option.sitegroup[:4] = 1  # zone sites, whichever of groups 0-3 the MJCF uses
        self._mjr: Any = None
        self._depth: _DepthFormat | None = None  # the shadow map's format, if it has one
        self._last: tuple[bytes, float, float] | None = None  # the state of the last frame
        self._kept: _KeptShadowMap | None = None
        self._open: contextlib.ExitStack | None = None

    def __enter__(self) -> ModelRenderer:
        # Undone in reverse by close(): free the MjrContext while the GL context is current,
        # release the context from this thread (an EGL context current in one thread cannot
        # be made current in another), then let other threads render.
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(_LOCK)
            stack.enter_context(_gl_context().as_current())
            self._mjr = self._make_mjr_context()
            stack.callback(self._free_mjr)
        except BaseException:
            stack.close()
            raise
        self._open = stack
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _make_mjr_context(self) -> Any:
        """Upload the model to the GL context, with an offscreen buffer at least our size."""
        vis = self._model.vis
        saved = (
            vis.global_.offwidth,
            vis.global_.offheight,
            vis.quality.shadowsize,
            vis.quality.offsamples,
        )
        # MjrContext sizes its framebuffer, shadow map and multisampling from the model
        # (mjVisual.global.offwidth/offheight, mjVisual.quality); set them for this call
        # only and leave the caller's model as it was.
        vis.global_.offwidth = max(saved[0], self._width)
        vis.global_.offheight = max(saved[1], self._height)
        if self._quality.shadowsize is not None:
            vis.quality.shadowsize = self._quality.shadowsize
        if self._quality.samples is not None:
            vis.quality.offsamples = self._quality.samples
        try:
            mjr = mujoco.MjrContext(self._model, mujoco.mjtFontScale.mjFONTSCALE_100)
        except Exception as exc:
            raise _gl_failure(exc) from exc
        finally:
            (
                vis.global_.offwidth,
                vis.global_.offheight,
                vis.quality.shadowsize,
                vis.quality.offsamples,
            ) = saved
        self._depth = _depth_only_shadow_map(mjr)
        mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN, mjr)
        return mjr

    def keep_shadow_map(self) -> None:
        """Let the next frames of the same state reuse the last frame's shadow map.

        For many views of one state (the 24 views): the state is the positions of
        ``data`` and the camera's near and far planes. A frame of another state (a moved
        body, another model camera) draws its own map again, so this is only ever a
        saving, never a stale shadow. No-op before the first frame or without shadows.
        """
        if self._kept is None and self._depth is not None and self._last is not None:
            self._kept = _KeptShadowMap(self._mjr, self._depth, self._last)

    def _state(self, data: mujoco.MjData) -> tuple[bytes, float, float]:
        camera = self._scene.camera[0]
        positions = data.qpos.tobytes() + data.mocap_pos.tobytes() + data.mocap_quat.tobytes()
        return positions, float(camera.frustum_near), float(camera.frustum_far)

    def render_raw(self, data: mujoco.MjData, camera: mujoco.MjvCamera) -> np.ndarray:
        """Render into the renderer's own buffer and return it, bottom row first (OpenGL's order).

        The buffer is overwritten by the next frame: use it (or copy it) before then.
        """
        if self._mjr is None:
            raise RuntimeError(
                "ModelRenderer.render needs an open renderer: use it in a with block"
            )
        mujoco.mjv_updateScene(
            self._model, data, self.option, None, camera, mujoco.mjtCatBit.mjCAT_ALL, self._scene
        )
        if self._depth is not None:
            self._last = self._state(data)
            if self._kept is not None and self._kept.state != self._last:
                self._kept.release()  # another state: this frame draws its own map
                self._kept = None
        mujoco.mjr_render(self._rect, self._scene, self._mjr)
        mujoco.mjr_readPixels(self._buffer, None, self._rect, self._mjr)
        return self._buffer

    def render(
        self, data: mujoco.MjData, camera: mujoco.MjvCamera, *, reuse: bool = False
    ) -> np.ndarray:
        """Return the RGB image (height × width × 3, top row first) of ``data`` from ``camera``.

        With ``reuse`` the image is the renderer's second buffer, overwritten by the next
        ``render(reuse=True)``: no allocation per frame.
        """
        raw = self.render_raw(data, camera)[::-1]  # OpenGL's first row is the bottom one
        if not reuse:
            return raw.copy()
        np.copyto(self._upright, raw)
        return self._upright

    def _free_mjr(self) -> None:
        if self._kept is not None:
            self._kept.release()
            self._kept = None
        self._mjr.free()
        self._mjr = None

    def close(self) -> None:
        """Free the model's GPU resources, release the GL context and the lock."""
        if self._open is not None:
            self._open.close()
            self._open = None
