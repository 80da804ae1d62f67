from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.pipeline.renders import VIDEO_MAX_S, VIDEO_TAIL_S, video_seconds
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
