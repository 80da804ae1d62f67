"""Evaluation stage: agents solve benchgen problems, MuJoCo judges, runs are scored.

``benchgen eval DATASET --agent NAME --attempts K --out RUN`` hands each agent the
problem.json of every scenario, judges its solutions under the scenario's success rule
(:mod:`benchgen.eval.judge`), feeds the outcome back for the next attempt, records every
episode (:mod:`benchgen.eval.episodes`) and scores the run (:mod:`benchgen.eval.scores`);
``benchgen eval report`` draws the leaderboard (:mod:`benchgen.eval.report`).
"""

from __future__ import annotations

from benchgen._lazy import lazy_exports

__all__ = [
    "AGENTS",
    "ActionVector",
    "AgentScore",
    "Episode",
    "EvalScenario",
    "Outcome",
    "Proposal",
    "Results",
    "auccess",
    "judge",
    "load_dataset",
    "make_agents",
    "read_episodes",
    "run_eval",
    "score_run",
    "write_report",
    "write_results",
]

_WHERE = {
    "AGENTS": "benchgen.eval.agents",
    "make_agents": "benchgen.eval.agents",
    "ActionVector": "benchgen.eval.space",
    "AgentScore": "benchgen.eval.scores",
    "Results": "benchgen.eval.scores",
    "auccess": "benchgen.eval.scores",
    "score_run": "benchgen.eval.scores",
    "EvalScenario": "benchgen.eval.dataset",
    "load_dataset": "benchgen.eval.dataset",
    "Episode": "benchgen.eval.models",
    "Outcome": "benchgen.eval.models",
    "Proposal": "benchgen.eval.models",
    "judge": "benchgen.eval.judge",
    "read_episodes": "benchgen.eval.episodes",
    "run_eval": "benchgen.eval.runner",
    "write_results": "benchgen.eval.runner",
    "write_report": "benchgen.eval.report",
}

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
