"""The Learner: read journals, write or update learned skills (SKILL.md) for later runs.

It runs as the last node of every agent run (on its own journal), and can run on its own
over any journals (:func:`learn_from_journals`), e.g. after a batch. A malformed skill
is sent back to the model once with the error; learning is best effort and never
changes a run's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchgen.agent.llm import ChatModel, ModelReply
from benchgen.agent.prompts import LEARNER
from benchgen.agent.skills import Skill, load_skills, parse_skill, select_skills, write_skill
from benchgen.errors import AgentError

__all__ = ["LearnerOutcome", "learn_from_journals"]

_MAX_JOURNAL = 40_000
Complete = Callable[[list[dict[str, Any]]], ModelReply]


class LearnerOutcome:
    """What the Learner did: the skill it wrote (if any) and a note for the journal."""

    def __init__(self, skill: Skill | None, note: str, path: Path | None = None) -> None:
        self.skill, self.note, self.path = skill, note, path


def _prompt(journals: str, learned: list[Skill]) -> str:
    existing = "\n".join(f"- {s.name}: {s.description}" for s in learned) or "(none yet)"
    related = select_skills(journals, learned, k=1)
    full = f"\n\nThe closest learned skill, in full:\n{related[0].as_markdown()}" if related else ""
    return f"Learned skills so far:\n{existing}{full}\n\nJournal(s):\n\n{journals[-_MAX_JOURNAL:]}"


def learn_from_journals(
    journals: Sequence[Path],
    *,
    learned_dir: Path,
    model: ChatModel | None = None,
    complete: Complete | None = None,
    turns: int = 2,
) -> LearnerOutcome:
    """Ask the model for one skill from ``journals`` and write it to ``learned_dir``.

    Args:
        journals: journal.md files to learn from.
        learned_dir: the learned-skills folder (``<name>/SKILL.md`` each).
        model: the chat model (or give ``complete``, a traced call of it).
        complete: a function from messages to a reply; overrides ``model``.
        turns: model replies allowed, including corrections of a malformed skill.
    """
    if complete is None:
        if model is None:
            raise AgentError("learn_from_journals needs a model or a complete function")
        complete = lambda messages: model.complete(messages)  # noqa: E731
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in journals if p.is_file())
    learned = load_skills([], learned_dir=learned_dir)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": LEARNER},
        {"role": "user", "content": _prompt(text, learned)},
    ]
    for _ in range(turns):
        reply = complete(messages)
        content = (reply.content or "").strip()
        messages.append(reply.as_message())
        if not content or content.upper().startswith("NONE"):
            return LearnerOutcome(None, "nothing reusable in the journal")
        try:
            skill = parse_skill(content, learned=True)
        except AgentError as exc:
            messages.append(
                {
                    "role": "user",
                    "content": f"ERROR: {exc}. Reply with the whole SKILL.md again, or NONE.",
                }
            )
            continue
        updated = any(s.name == skill.name for s in learned)
        path = write_skill(skill, learned_dir)
        return LearnerOutcome(
            skill, f"{'updated' if updated else 'wrote'} learned skill {skill.name}", path
        )
    return LearnerOutcome(None, "the model gave no valid SKILL.md; nothing learned")
