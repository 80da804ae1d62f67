"""success@k and AUCCESS as PHYRE defines them, from episodes."""

from __future__ import annotations

import math

import pytest

from benchgen.eval.models import Episode, Outcome
from benchgen.eval.scores import auccess, score_agent


def _weights(k: int) -> list[float]:
    return [math.log(i + 1) - math.log(i) for i in range(1, k + 1)]


@pytest.mark.parametrize(
    ("solved_at", "attempts", "expected"),
    [
        pytest.param([1, 1], 5, 1.0, id="all-at-first"),
        pytest.param([None, None], 5, 0.0, id="none"),
        pytest.param([1], 1, 1.0, id="k1"),
        # solved at 2 of K=3: success@1 = 0, @2 = @3 = 1.
        pytest.param([2], 3, sum(_weights(3)[1:]) / sum(_weights(3)), id="second"),
        # two tasks, one at 1, one never: success@k = 0.5 for every k.
        pytest.param([1, None], 4, 0.5, id="half"),
        # one at 1 and one at 3 of K=3: 0.5, 0.5, 1.
        pytest.param(
            [1, 3], 3, (0.5 * _weights(3)[0] + 0.5 * _weights(3)[1] + _weights(3)[2])
            / sum(_weights(3)), id="first-and-third",
        ),
    ],
)  # fmt: skip
def test_auccess_is_phyres_weighted_area(
    solved_at: list[int | None], attempts: int, expected: float
) -> None:
    assert auccess(solved_at, attempts=attempts) == pytest.approx(expected)


def test_fewer_attempts_score_higher() -> None:
    assert auccess([1], attempts=5) > auccess([2], attempts=5) > auccess([5], attempts=5) > 0


def _episode(
    scenario: str, attempt: int, success: bool, *, family: str = "f", **kw: object
) -> Episode:
    outcome = Outcome(success=success, reason=None if success else str(kw.get("reason", "TIMEOUT")))
    return Episode(
        agent="a", scenario=scenario, family=family, tier=str(kw.get("tier", "easy")),
        attempt=attempt, attempts=3, outcome=outcome,
    )  # fmt: skip


def test_score_agent_counts_tasks_families_tiers_and_reasons() -> None:
    episodes = [
        _episode("s1", 1, True),
        _episode("s2", 1, False, reason="FLY_THROUGH"),
        _episode("s2", 2, True),
        _episode("s3", 1, False, family="g", tier="hard"),
        _episode("s3", 2, False, family="g", tier="hard", reason="INVALID_ACTION"),
        _episode("s3", 3, False, family="g", tier="hard"),
        _episode("s4", 1, False, family="g"),  # open: 1 of 3 attempts, unsolved
    ]
    score = score_agent("a", episodes, attempts=3)

    assert (score.tasks, score.open_tasks, score.solved) == (3, 1, 2)
    assert score.success_curve == pytest.approx([1 / 3, 2 / 3, 2 / 3])
    assert (score.success_at_1, score.success_at_k) == pytest.approx((1 / 3, 2 / 3))
    assert score.failures == {"FLY_THROUGH": 1, "INVALID_ACTION": 1, "TIMEOUT": 3}
    assert score.final_failures == {"TIMEOUT": 1}
    assert score.per_family["f"].success_at_k == 1.0 and score.per_family["g"].tasks == 1
    assert score.per_tier["hard"].success_at_k == 0.0 and score.per_tier["easy"].tasks == 2
