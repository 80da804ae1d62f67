"""A Gymnasium environment over benchgen problems: one-step episodes, action = a solution.

``import benchgen.gym`` registers ``benchgen/Solve-v0``::

    import gymnasium
    import benchgen.gym  # noqa: F401  (registers the environment)

    env = gymnasium.make("benchgen/Solve-v0", dataset="scenarios")
    obs, info = env.reset(seed=0)            # info["problem"]: the scenario's problem.json
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

An episode is one attempt at one scenario (:meth:`BenchgenEnv.reset` picks it, or
``options={"scenario": ID}``). The action is a point of the unit cube that encodes the
problem's action space (:class:`benchgen.eval.space.ActionVector`: a uniform point is a
uniform random action; coordinates past a scenario's own are ignored), or a
:class:`~benchgen.spec.models.Solution` (or its JSON dict) as ``benchgen eval`` takes it.
The reward is 1 when the solution meets the scenario's success rule in MuJoCo, else 0;
``info`` holds the outcome the LLM agents are told (reason, closest distance, final
position, times, the action-space breaches of an invalid solution). The observation is a
fixed-length summary of the problem (:data:`OBSERVATION_FIELDS`); the whole problem is in
``info["problem"]``.
"""

from __future__ import annotations

from benchgen.extras import require

require("gym", what="the Gymnasium environment (benchgen.gym)")

import gymnasium  # noqa: E402

from benchgen.gym.env import ENV_ID, OBSERVATION_FIELDS, BenchgenEnv  # noqa: E402

__all__ = ["ENV_ID", "OBSERVATION_FIELDS", "BenchgenEnv"]

if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="benchgen.gym.env:BenchgenEnv")
