from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.pipeline.build import BuildOutcome
from benchgen.pipeline.renders import VIDEO_MAX_S, VIDEO_TAIL_S, renders_pending, video_seconds
from benchgen.spec import load_spec
from benchgen.spec.models import ScenarioSpec


@pytest.fixture(scope="module")
def promoted_spec(ramp_dataset: Path) -> ScenarioSpec:
    return load_spec(next(ramp_dataset.glob("*/*/scenario.json")).parent)


def _with_reference_time(spec: ScenarioSpec, seconds: float | None, horizon: float) -> ScenarioSpec:
    spec = spec.model_copy(deep=True)
    spec.horizon_s = horizon
    assert spec.verification is not None
    trials = [t for t in spec.verification.trials if t.action != "reference" or seconds]
    for trial in trials:
        if trial.action == "reference" and seconds is not None:
            trial.sim_time_s = seconds
    spec.verification.trials = trials
    return spec


@pytest.mark.parametrize(
    ("decided", "horizon", "expected"),
    [
        pytest.param(1.0, 5.0, 1.0 + VIDEO_TAIL_S, id="shortly-after-the-outcome"),
        pytest.param(3.9, 6.0, VIDEO_MAX_S, id="capped"),
        pytest.param(1.9, 2.0, 2.0, id="never-past-the-horizon"),
        pytest.param(None, 3.0, 3.0, id="no-reference-trial"),
    ],
)
def test_the_video_ends_shortly_after_the_reference_outcome(
    promoted_spec: ScenarioSpec, decided: float | None, horizon: float, expected: float
) -> None:
    spec = _with_reference_time(promoted_spec, decided, horizon)
    assert video_seconds(spec) == pytest.approx(expected)


class _StopBetweenPhases(Exception):
    pass


@pytest.mark.slow  # renders
def test_renders_come_in_two_publishes_and_a_resumed_run_completes_them(tmp_path: Path) -> None:
    """First the thumbnail with the verdict, then the rest; either copy is a whole folder."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario
    from benchgen.pipeline.repair import folder_problem

    family = get_family("push_to_goal")
    seen: list[tuple[str, list[str], str | None]] = []

    def published(outcome: BuildOutcome) -> None:
        folder = Path(outcome.folder or "")
        renders = sorted(p.name for p in (folder / "renders").iterdir())
        seen.append((outcome.status, renders, folder_problem(folder)))
        raise _StopBetweenPhases

    with pytest.raises(_StopBetweenPhases):
        build_scenario(family, 7, out_root=tmp_path, renders=True, on_published=published)
    assert seen == [("promoted", [".gdignore", "thumbnail.png"], None)]
    folder = next(tmp_path.glob("push_to_goal/*/"))
    assert renders_pending(folder)

    resumed = build_scenario(family, 7, out_root=tmp_path, renders=True)
    assert resumed.status == "skipped"
    assert not renders_pending(folder) and folder_problem(folder) is None
    assert "renders/index.json" in load_spec(folder).files
    assert sorted(resumed.files) == sorted(load_spec(folder).files)
    assert (folder / "renders" / "images").is_dir() and (folder / "renders/reference.mp4").is_file()
    assert not [p for p in tmp_path.glob("push_to_goal/.*")]  # no staging copy left


@pytest.mark.slow  # renders
def test_a_build_with_renders_calls_on_published_before_the_full_renders(tmp_path: Path) -> None:
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    pending: list[bool] = []
    outcome = build_scenario(
        get_family("push_to_goal"),
        7,
        out_root=tmp_path,
        renders=True,
        on_published=lambda o: pending.append(renders_pending(Path(o.folder or ""))),
    )
    assert pending == [True]
    assert outcome.status == "promoted" and "renders/contact_sheet.png" in outcome.files
    assert {"thumbnail", "render"} <= set(outcome.stage_seconds)
    assert not renders_pending(Path(outcome.folder or ""))


@pytest.mark.parametrize("fails", [False, True], ids=["rendered", "render-failed"])
def test_the_heap_a_render_freed_is_handed_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    """glibc keeps freed pages mapped: worker RSS crept up 12 % over 1,000 renders."""
    from benchgen.errors import RenderError
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario, renders

    assert renders._malloc_trim() is not None  # this machine's C library is glibc
    trims: list[int] = []
    monkeypatch.setattr(renders, "_malloc_trim", lambda: trims.append)
    if fails:

        def black(spec: ScenarioSpec, folder: Path) -> None:
            raise RenderError("a black frame")

        monkeypatch.setattr(renders, "render_folder", black)
    family = get_family("push_to_goal")
    seed = next(s for s in range(40) if build_scenario(family, s, out_root=tmp_path).folder)
    folder = next(tmp_path.glob("*/*/scenario.json")).parent
    try:
        renders.add_renders(load_spec(folder), folder)
    except RenderError:
        assert fails
    assert trims == [0], f"seed {seed}: malloc_trim(0) once after the renders, whatever happened"
