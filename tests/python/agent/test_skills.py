"""Skills: SKILL.md parsing, selection by relevance, and the Learner."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchgen.agent.learner import learn_from_journals
from benchgen.agent.scripted import ScriptedModel, say
from benchgen.agent.skills import (
    Skill,
    builtin_skill_dir,
    load_skills,
    parse_skill,
    select_skills,
)
from benchgen.errors import AgentError


def test_repo_skills_load_with_front_matter() -> None:
    skills = load_skills([builtin_skill_dir()])
    names = [s.name for s in skills]
    assert {"family-contract", "build123d-convex-pieces", "mjcf-zones-and-trials"} <= set(names)
    assert all(s.description and s.body for s in skills)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        pytest.param(
            "a funnel built from staves around a cup", "build123d-convex-pieces", id="geometry"
        ),
        pytest.param(
            "the reference solution is TRIVIAL, move the goal zone",
            "mjcf-zones-and-trials",
            id="zones",
        ),
        pytest.param(
            "ranged parameters of the Params class and FAMILY", "family-contract", id="contract"
        ),
    ],
)
def test_selection_by_relevance(query: str, first: str) -> None:
    assert select_skills(query, load_skills([builtin_skill_dir()]), k=1)[0].name == first


def test_no_overlap_selects_nothing() -> None:
    assert select_skills("zzz qqq", load_skills([builtin_skill_dir()])) == []


def test_malformed_skill_is_refused() -> None:
    with pytest.raises(AgentError, match="needs front matter with 'name'"):
        parse_skill("---\nname: Bad Name\ndescription: x\n---\nbody")


def test_learner_writes_then_updates_a_skill(tmp_path: Path) -> None:
    journal = tmp_path / "journal.md"
    journal.write_text("## 1. coder\n### Reflection\nThe wall intersected the floor.\n")
    learned = tmp_path / "learned"
    first = "---\nname: leave-gaps\ndescription: Leave gaps between parts.\n---\n\n- 0.5 mm.\n"
    model = ScriptedModel([say("no front matter here"), say(first)])
    outcome = learn_from_journals([journal], learned_dir=learned, model=model)
    assert outcome.skill is not None and "wrote learned skill leave-gaps" == outcome.note
    assert "ERROR: SKILL.md needs front matter" in model.requests[1][-1]["content"]

    second = first.replace("- 0.5 mm.", "- 0.5 mm, also between walls.")
    model = ScriptedModel([say(second)])
    outcome = learn_from_journals([journal], learned_dir=learned, model=model)
    assert outcome.note == "updated learned skill leave-gaps"
    assert "Leave gaps between parts." in model.requests[0][1]["content"]  # it saw the old version
    skills = load_skills([], learned_dir=learned)
    assert [(s.name, s.learned) for s in skills] == [("leave-gaps", True)]
    assert "also between walls" in skills[0].body


def test_learner_may_learn_nothing(tmp_path: Path) -> None:
    outcome = learn_from_journals([], learned_dir=tmp_path, model=ScriptedModel([say("NONE")]))
    assert outcome.skill is None and not any(tmp_path.iterdir())


def test_skill_round_trips_as_markdown() -> None:
    skill = Skill(name="a-b", description="d", body="text")
    parsed = parse_skill(skill.as_markdown())
    assert (parsed.name, parsed.description, parsed.body.strip()) == ("a-b", "d", "text")
