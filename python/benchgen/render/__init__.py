"""Render stage: 24 views, a contact sheet and a video of each scenario, offscreen.

Importing this package sets ``MUJOCO_GL=egl`` unless it is already set; MuJoCo reads it
at import, so import ``benchgen.render`` before anything imports ``mujoco`` (a backend
that cannot load is reported as :class:`~benchgen.errors.RenderError` at the first
render rather than breaking ``import mujoco``). One GL context serves the whole process.
"""

from __future__ import annotations

from benchgen.render._gl import check_image, close_gl
from benchgen.render.plots import FamilyFigures, acceptance_chart
from benchgen.render.scenario import RenderSet, render_preview, render_scenario
from benchgen.render.sheet import contact_sheet
from benchgen.render.views import (
    AZIMUTHS,
    ELEVATIONS,
    render_thumbnail,
    render_video,
    render_views,
    view_name,
)

__all__ = [
    "AZIMUTHS",
    "ELEVATIONS",
    "FamilyFigures",
    "RenderSet",
    "acceptance_chart",
    "check_image",
    "close_gl",
    "contact_sheet",
    "render_preview",
    "render_scenario",
    "render_thumbnail",
    "render_video",
    "render_views",
    "view_name",
]
