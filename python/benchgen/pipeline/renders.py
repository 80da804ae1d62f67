"""The render stage of one scenario folder: its views, contact sheet and reference video."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from benchgen.spec.models import ScenarioSpec
from benchgen.verify.simulate import trial_model

if TYPE_CHECKING:
    from benchgen.render import RenderSet

__all__ = ["VIDEO_MAX_S", "VIDEO_TAIL_S", "render_folder", "video_seconds"]

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
