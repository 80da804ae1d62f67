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

__all__ = ["BLACK_LEVEL", "MIN_HEIGHT", "MIN_WIDTH", "ModelRenderer", "check_image", "close_gl"]

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


class ModelRenderer:
    """Render one model with the process's GL context; use it as a context manager.

    Holds the model's ``MjrContext`` (meshes and textures uploaded to the GPU) and an
    ``MjvScene``; :meth:`close` frees the GPU side, so a worker rendering thousands of
    scenarios keeps one context and no per-model leftovers.
    """

    def __init__(self, model: mujoco.MjModel, *, width: int, height: int) -> None:
        self._model = model
        self._width, self._height = width, height
        self._rect = mujoco.MjrRect(0, 0, width, height)
        self._buffer = np.empty((height, width, 3), dtype=np.uint8)
        self._scene = mujoco.MjvScene(model, maxgeom=10_000)
        self.option = mujoco.MjvOption()
        self.option.sitegroup[:4] = 1  # zone sites, whichever of groups 0-3 the MJCF uses
        self._mjr: Any = None
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
        vis = self._model.vis.global_
        saved = (vis.offwidth, vis.offheight)
        # MjrContext sizes its framebuffer from the model (mjVisual.global.offwidth/offheight);
        # raise it for this call only and leave the caller's model as it was.
        vis.offwidth, vis.offheight = max(saved[0], self._width), max(saved[1], self._height)
        try:
            mjr = mujoco.MjrContext(self._model, mujoco.mjtFontScale.mjFONTSCALE_100)
        except Exception as exc:
            raise _gl_failure(exc) from exc
        finally:
            vis.offwidth, vis.offheight = saved
        mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN, mjr)
        return mjr

    def render(self, data: mujoco.MjData, camera: mujoco.MjvCamera) -> np.ndarray:
        """Return the RGB image (height × width × 3, top row first) of ``data`` from ``camera``."""
        if self._mjr is None:
            raise RuntimeError(
                "ModelRenderer.render needs an open renderer: use it in a with block"
            )
        mujoco.mjv_updateScene(
            self._model, data, self.option, None, camera, mujoco.mjtCatBit.mjCAT_ALL, self._scene
        )
        mujoco.mjr_render(self._rect, self._scene, self._mjr)
        mujoco.mjr_readPixels(self._buffer, None, self._rect, self._mjr)
        return self._buffer[::-1].copy()  # OpenGL's first row is the bottom one

    def _free_mjr(self) -> None:
        self._mjr.free()
        self._mjr = None

    def close(self) -> None:
        """Free the model's GPU resources, release the GL context and the lock."""
        if self._open is not None:
            self._open.close()
            self._open = None
