"""Everything the render stage writes into one scenario folder, with its content hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from benchgen.render._gl import mujoco
from benchgen.render.sheet import THUMB_WIDTH, contact_sheet
from benchgen.render.views import render_thumbnail, render_video, render_views
from benchgen.spec.folder import RENDERS_DIR, RENDERS_INDEX, THUMBNAIL_PNG

__all__ = ["RenderSet", "render_preview", "render_scenario"]

SHEET_NAME = "contact_sheet.png"
VIDEO_NAME = "reference.mp4"


class RenderSet(BaseModel):
    """The renders of one scenario; paths are POSIX and relative to the scenario folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    images: list[str] = Field(description="The 24 views, azimuth-major.")
    sheet: str = Field(description="The contact sheet PNG.")
    video: str | None = Field(description="The reference-solution MP4, or None if not rendered.")
    thumbnail: str | None = Field(
        default=None, description="The small picture lists show (the video camera's view)."
    )
    sha256: dict[str, str] = Field(description="sha256 of every file above, by path.")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_preview(folder: Path, model: mujoco.MjModel) -> Path:
    """Write ``folder/renders/thumbnail.png``, a scenario's first picture (one frame).

    Raises:
        RenderError: no GL context, or a black frame.
    """
    return render_thumbnail(model, folder / THUMBNAIL_PNG)


def render_scenario(
    folder: Path,
    model: mujoco.MjModel,
    *,
    video_model: mujoco.MjModel | None,
    video_data: mujoco.MjData | None,
    seconds: float,
    title: str,
) -> RenderSet:
    """Write the thumbnail, views, contact sheet, video and ``index.json`` under ``renders/``.

    A thumbnail already there (from :func:`render_preview`) is kept.

    Args:
        folder: the scenario folder (the pipeline's temporary one, renamed when complete).
        model: the scenario as shipped (model.xml), shown at rest in the 24 views.
        video_model: the model of the reference-solution trial (with placed parts), or
            None for no video.
        video_data: that trial's state at t = 0 (e.g. with the push applied); None
            starts from the model's initial state.
        seconds: simulated time the video shows.
        title: the contact sheet's title line.

    Returns:
        The RenderSet, also written to ``folder/renders/index.json``.

    Raises:
        RenderError: no GL context, or a render that is too small or black.
    """
    out = folder / RENDERS_DIR
    thumbnail = folder / THUMBNAIL_PNG
    if not thumbnail.is_file():
        render_thumbnail(model, thumbnail)
    thumbs: list[Image.Image] = []  # the sheet's, made from the views' pixels in memory
    images = render_views(model, out, thumbnails=thumbs, thumbnail_width=THUMB_WIDTH)
    sheet = contact_sheet(images, out / SHEET_NAME, title=title, thumbnails=thumbs)
    files = [*images, sheet, thumbnail]
    video = None
    if video_model is not None:
        data = video_data if video_data is not None else mujoco.MjData(video_model)
        video = render_video(video_model, data, out / VIDEO_NAME, seconds=seconds)
        files.append(video)
    rel = {path: path.relative_to(folder).as_posix() for path in files}
    result = RenderSet(
        images=[rel[p] for p in images],
        sheet=rel[sheet],
        video=rel[video] if video is not None else None,
        thumbnail=rel[thumbnail],
        sha256={rel[p]: _sha256(p) for p in files},
    )
    (folder / RENDERS_INDEX).write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return result
