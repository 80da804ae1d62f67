"""The render stage of one scenario folder, in two phases: a thumbnail, then the rest.

The dock should see something within seconds of a scenario's verdict, and the 24 views,
contact sheet and video take longer than the verdict itself. So a promoted scenario is
published first with ``renders/thumbnail.png`` (one frame, :func:`render_thumbnail`), and
the full set is added afterwards (:func:`add_renders`) by building a new copy of the
folder and swapping it in through the folder contract
(:func:`benchgen.spec.folder.publish` with ``replace``): a published folder is never
written in place, and every reader sees the first copy or the second, each with a
``scenario.json`` whose hashes match its files. ``renders/index.json`` is written last,
so a folder with a thumbnail and no index was stopped between the phases
(:func:`renders_pending`); a resumed run completes it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from benchgen.spec.folder import (
    RENDERS_INDEX,
    SCENARIO_JSON,
    THUMBNAIL_PNG,
    publish,
    regular_files,
    seal,
    staging,
)
from benchgen.spec.models import ScenarioSpec
from benchgen.verify.simulate import trial_model

if TYPE_CHECKING:
    from benchgen.render import RenderSet

__all__ = [
    "VIDEO_MAX_S",
    "VIDEO_TAIL_S",
    "add_renders",
    "render_folder",
    "render_thumbnail",
    "renders_pending",
    "video_seconds",
]

#: The video goes on this long after the reference trial's outcome was decided: a success
#: is decided once the centre has been in the goal for the dwell time, so the video then
#: shows it resting there for the dwell time and this tail.
VIDEO_TAIL_S = 0.25
#: and never longer than this (nor than the horizon).
VIDEO_MAX_S = 4.0


def video_seconds(spec: ScenarioSpec) -> float:
    """Return how long the reference video runs: until shortly after its outcome is decided.

    The recorded reference trial stops when its outcome is known (the dwell was met, or a
    failure); the rest of the horizon would show an object at rest.
    """
    trials = spec.verification.trials if spec.verification else []
    decided = next((t.sim_time_s for t in trials if t.action == "reference"), None)
    end = spec.horizon_s if decided is None else decided + VIDEO_TAIL_S
    return min(spec.horizon_s, VIDEO_MAX_S, end)


def render_folder(spec: ScenarioSpec, folder: Path) -> RenderSet:
    """Render the 24 views, contact sheet and reference video of a scenario folder."""
    from benchgen.render import render_scenario  # Pillow and the GL set-up: only to render

    model, _ = trial_model(spec, folder, None)
    video_model, video_data = trial_model(spec, folder, spec.reference_solution, model=model)
    return render_scenario(
        folder,
        model,
        video_model=video_model,
        video_data=video_data,
        seconds=video_seconds(spec),
        title=f"{spec.id}: {spec.task}",
    )


def render_thumbnail(spec: ScenarioSpec, folder: Path) -> Path:
    """Write the first phase, ``renders/thumbnail.png``, of the scenario built in ``folder``."""
    from benchgen.render import render_preview

    model, _ = trial_model(spec, folder, None)
    return render_preview(folder, model)


def renders_pending(folder: Path) -> bool:
    """Return whether a published folder has its thumbnail but not yet the other renders."""
    return (folder / THUMBNAIL_PNG).is_file() and not (folder / RENDERS_INDEX).is_file()


def _link_tree(source: Path, dest: Path) -> None:
    """Give ``dest`` every regular file of ``source`` but scenario.json, as hard links.

    A link costs no copy, and no file of the new folder is written in place afterwards
    (the renders are new files, scenario.json a new file): the published copy never changes.
    """
    for rel in regular_files(source):
        if rel == SCENARIO_JSON:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / rel, target)
        except OSError:  # a file system without hard links
            shutil.copyfile(source / rel, target)


def add_renders(spec: ScenarioSpec, final: Path) -> dict[str, str]:
    """Add the views, sheet and video to the published folder ``final``; return its hashes.

    Builds a new copy beside it (its files linked, the renders added, scenario.json
    rewritten with every file's hash) and swaps it in.

    Raises:
        RenderError: no GL context, or a render too small or black (``final`` stays as
            published, with its thumbnail).
        UnsafeFileError: the folder holds something other than regular files.
    """
    try:
        with staging(final) as tmp:
            _link_tree(final, tmp)
            render_folder(spec, tmp)
            seal(spec, tmp)
            publish(tmp, final, replace=True)
    finally:
        _give_back_freed_memory()
    return spec.files


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except AttributeError:
        return None


def _give_back_freed_memory() -> None:
    """Hand the heap a render freed back to the system.

    A scenario's renders allocate and free some 100 MB (frames, PNG rows, thumbnails, the
    contact sheet); glibc keeps freed heap pages mapped, so a worker's RSS climbed by 80
    MB over 1,000 scenarios (690 -> 771 MB, +12 %) while the memory in use stayed at
    590-594 MB (``benchmarks/_measure.py memory``). ``malloc_trim(0)`` returns them.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
