"""The texts an LLM agent reads: the prompts (files in ``prompts/``) and the feedback.

The prompts live as Markdown files in the package (``benchgen/eval/prompts/*.md``) with
``$name`` placeholders (:class:`string.Template`), so they can be read and changed without
touching code. :func:`feedback_text` turns an :class:`~benchgen.eval.models.Outcome` into
what the agent is told after an attempt; every agent that reads feedback gets these facts.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

from benchgen.eval.models import ENDPOINT_ERROR, INVALID_ACTION, Outcome
from benchgen.spec.problem import Problem

__all__ = ["feedback_text", "prompt", "render"]


@cache
def prompt(name: str) -> str:
    """Return the prompt file ``prompts/<name>.md`` of the package."""
    return (resources.files("benchgen.eval") / "prompts" / f"{name}.md").read_text("utf-8")


def render(name: str, **values: object) -> str:
    """Return the prompt ``name`` with its ``$placeholders`` filled in."""
    return Template(prompt(name)).substitute({k: str(v) for k, v in values.items()}).strip()


def _v(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


def _details(outcome: Outcome, problem: Problem) -> list[str]:
    if outcome.reason == INVALID_ACTION:
        return ["The solution was rejected before it was simulated:"] + [
            f"- {p}" for p in outcome.problems or [outcome.detail]
        ]
    if outcome.reason == ENDPOINT_ERROR:
        return [f"No answer was received: {outcome.detail}"]
    lines = [f"What happened: {outcome.detail}."] if outcome.detail else []
    if outcome.closest_distance is not None:
        lines.append(
            f"Closest approach of the object's centre to the goal zone: "
            f"{outcome.closest_distance:.3f} m."
        )
    if outcome.final_position is not None:
        lines.append(
            f"The object's centre ended at {_v(outcome.final_position)} (the goal zone's centre "
            f"is {_v(problem.goal_zone.center)}; the object started at "
            f"{_v(problem.moved_object.start_position)})."
        )
    if outcome.entered_s is not None:
        lines.append(f"It entered the goal zone at {outcome.entered_s:.2f} s.")
    lines.append(f"The trial ran {outcome.sim_time_s:.2f} s of simulated time.")
    return lines


def feedback_text(outcome: Outcome, problem: Problem, *, attempt: int, attempts: int) -> str:
    """Return what an agent is told about attempt ``attempt`` of ``attempts``."""
    verdict = "SUCCESS." if outcome.success else f"failed ({outcome.reason})."
    left = attempts - attempt
    after = (
        "Solved."
        if outcome.success
        else f"You have {left} attempt(s) left. Call `submit_solution` with a corrected solution."
        if left
        else "No attempts are left."
    )
    return render(
        "feedback",
        attempt=attempt,
        attempts=attempts,
        verdict=verdict,
        details="\n".join(_details(outcome, problem)),
        next=after,
    )
