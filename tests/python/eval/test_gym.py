"""benchgen.gym: registered with Gymnasium, passes its env checker, rewards success."""

from __future__ import annotations

from pathlib import Path

import gymnasium
import numpy as np
from gymnasium.utils.env_checker import check_env

import benchgen.gym  # noqa: F401  (registers benchgen/Solve-v0)
from benchgen.eval.dataset import load_dataset
from benchgen.gym import ENV_ID, OBSERVATION_FIELDS, BenchgenEnv


def test_gymnasiums_env_checker_passes(push_dataset: Path) -> None:
    env = BenchgenEnv(push_dataset)
    check_env(env, skip_render_check=True)


def test_make_reset_and_step(push_dataset: Path) -> None:
    env = gymnasium.make(ENV_ID, dataset=str(push_dataset))
    scenario = load_dataset(push_dataset)[1]
    obs, info = env.reset(seed=3, options={"scenario": scenario.id})
    assert obs.shape == (len(OBSERVATION_FIELDS),) and info["scenario"] == scenario.id
    assert info["problem"]["id"] == scenario.id and "reference_solution" not in info["problem"]

    reference = scenario.spec().reference_solution
    action = {"push": reference.push.model_dump(), "parts": []}  # type: ignore[union-attr]
    _, reward, terminated, truncated, info = env.step(action)
    assert (reward, terminated, truncated, info["success"]) == (1.0, True, False, True)
    assert info["won_s"] is not None

    env.reset(options={"scenario": scenario.id})
    _, reward, *_rest, info = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    assert reward == 0.0 and info["reason"] == "TIMEOUT"  # no push: it stays where it is

    env.reset(options={"scenario": scenario.id})
    _, reward, *_rest, info = env.step({"push": {"velocity": [99.0, 0.0, 0.0]}})
    assert reward == 0.0 and info["reason"] == "INVALID_ACTION"
    assert "the most allowed is" in info["problems"][0]
    env.close()
