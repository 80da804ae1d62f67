from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from benchgen.errors import RenderError
from benchgen.render import check_image

pytestmark = pytest.mark.slow  # fresh processes choosing a GL backend

# Import benchgen.render first (as the pipeline does), then use MuJoCo for physics and
# rendering; print the RenderError's message on one line.
_SCRIPT = textwrap.dedent(
    """
    import tempfile
    from pathlib import Path

    from benchgen.errors import RenderError
    from benchgen.render import render_views

    import mujoco

    model = mujoco.MjModel.from_xml_string(
        "<mujoco><worldbody><body><freejoint/><geom size='.1'/></body></worldbody></mujoco>"
    )
    data = mujoco.MjData(model)
    mujoco.mj_step(model, data)
    print("physics ok")
    try:
        render_views(model, Path(tempfile.mkdtemp()))
    except RenderError as exc:
        print("RenderError:", exc)
        raise SystemExit(3)
    print("rendered")
    """
)


def _run(mujoco_gl: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MUJOCO_GL", "PYOPENGL_PLATFORM")}
    if mujoco_gl is not None:
        env["MUJOCO_GL"] = mujoco_gl
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "backend",
    [pytest.param("osmesa", id="osmesa-without-libosmesa"), pytest.param("bogus", id="unknown")],
)
def test_unusable_mujoco_gl_gives_a_clear_render_error(backend: str) -> None:
    result = _run(backend)
    assert result.returncode == 3, result.stderr
    assert "physics ok" in result.stdout  # MuJoCo itself still imports and simulates
    assert f"MuJoCo could not create an OpenGL context (MUJOCO_GL={backend})" in result.stdout
    assert "--no-renders" in result.stdout
    assert "Traceback" not in result.stderr


def test_mujoco_gl_defaults_to_egl() -> None:
    result = _run(None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == ["physics", "ok", "rendered"]


@pytest.mark.parametrize(
    ("shape", "value", "match"),
    [
        pytest.param((240, 320, 3), 200, "is 320×240 pixels", id="small"),
        pytest.param((480, 640, 3), 0, "entirely black", id="black"),
        pytest.param((480, 640, 3), 8, "entirely black", id="nearly-black"),
    ],
)
def test_check_image_rejects(shape: tuple[int, ...], value: int, match: str) -> None:
    with pytest.raises(RenderError, match=match):
        check_image(np.full(shape, value, np.uint8), what="an image")


def test_check_image_accepts_a_dark_image_with_content() -> None:
    pixels = np.zeros((480, 640, 3), np.uint8)
    pixels[240, 320] = [0, 0, 60]
    check_image(pixels, what="an image")
