"""Skills: ``SKILL.md`` folders (Anthropic's format) chosen by relevance for each prompt.

A skill is a folder holding ``SKILL.md``: YAML front matter with ``name`` and
``description``, then Markdown instructions. benchgen ships its skills in the package
(``benchgen/agent/builtin_skills/``); a project adds its own in ``.agent/skills/`` of the
working folder. The Learner writes learned ones to a learned-skills folder in the same
format. For a
request, :func:`select_skills` ranks all of them by TF-IDF cosine similarity between the
request and each skill's name, description and body (name and description weigh double).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from benchgen import resources
from benchgen.agent._frontmatter import FrontMatterError, join_front_matter, split_front_matter
from benchgen.errors import AgentError

__all__ = [
    "Skill",
    "builtin_skill_dir",
    "default_learned_dir",
    "default_skill_dirs",
    "load_skills",
    "parse_skill",
    "select_skills",
    "write_skill",
]

ENV_SKILLS = "BENCHGEN_SKILLS_DIR"
ENV_LEARNED = "BENCHGEN_LEARNED_SKILLS_DIR"
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be by for from has in is it its of on or that the this to with "
    "when you your use using into not do does can should".split()
)


class Skill(BaseModel):
    """One skill: its front matter, its instructions and where it came from."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    description: str = Field(min_length=1, max_length=1024)
    body: str = ""
    path: str | None = None
    learned: bool = False

    def as_markdown(self) -> str:
        """Return the SKILL.md text."""
        return join_front_matter({"name": self.name, "description": self.description}, self.body)


def parse_skill(text: str, *, path: Path | None = None, learned: bool = False) -> Skill:
    """Parse a SKILL.md text.

    Raises:
        AgentError: the front matter is missing, or lacks a valid name or description.
    """
    where = f" ({path})" if path else ""
    try:
        meta, body = split_front_matter(text)
        return Skill(
            name=meta.get("name", ""),
            description=str(meta.get("description", "")),
            body=body,
            path=str(path) if path else None,
            learned=learned,
        )
    except (FrontMatterError, ValidationError) as exc:
        raise AgentError(
            f"SKILL.md{where} needs front matter with 'name' (lower-case-with-dashes) and "
            f"'description': {exc}"
        ) from exc


def builtin_skill_dir() -> Path:
    """Return the folder of the skills benchgen ships (package data)."""
    return resources.package_path("agent", "builtin_skills")


def default_skill_dirs() -> list[Path]:
    """Return ``$BENCHGEN_SKILLS_DIR``, else ``./.agent/skills`` (if any) and the built-ins."""
    if os.environ.get(ENV_SKILLS):
        return [Path(p) for p in os.environ[ENV_SKILLS].split(os.pathsep) if p]
    project = Path.cwd() / ".agent" / "skills"
    return [project, builtin_skill_dir()] if project.is_dir() else [builtin_skill_dir()]


def default_learned_dir() -> Path:
    """Return ``$BENCHGEN_LEARNED_SKILLS_DIR``, else ``learned-skills`` in benchgen's cache."""
    if os.environ.get(ENV_LEARNED):
        return Path(os.environ[ENV_LEARNED])
    return resources.cache_dir() / "learned-skills"


def load_skills(dirs: Iterable[Path], *, learned_dir: Path | None = None) -> list[Skill]:
    """Return every skill under ``dirs`` (and ``learned_dir``), sorted by name.

    Raises:
        AgentError: a SKILL.md is malformed.
    """
    sources = [(d, False) for d in dirs] + ([(learned_dir, True)] if learned_dir else [])
    skills: dict[str, Skill] = {}
    for folder, learned in sources:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*/SKILL.md")):
            skill = parse_skill(path.read_text(encoding="utf-8"), path=path, learned=learned)
            skills.setdefault(skill.name, skill)  # a repo skill wins over a learned namesake
    return [skills[k] for k in sorted(skills)]


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def _doc(skill: Skill) -> list[str]:
    head = _tokens(f"{skill.name.replace('-', ' ')} {skill.description}")
    return head * 2 + _tokens(skill.body)


def select_skills(query: str, skills: list[Skill], *, k: int = 3) -> list[Skill]:
    """Return the ``k`` skills most relevant to ``query`` (TF-IDF cosine; none if no overlap)."""
    docs = [Counter(_doc(s)) for s in skills]
    n = len(docs)
    df = Counter(term for d in docs for term in d)

    def vector(counts: Counter[str]) -> dict[str, float]:
        return {
            t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t]) + 1) for t, c in counts.items()
        }

    q = vector(Counter(_tokens(query)))
    q_norm = math.sqrt(sum(v * v for v in q.values())) or 1.0
    scored = []
    for skill, counts in zip(skills, docs, strict=True):
        d = vector(counts)
        dot = sum(q[t] * d[t] for t in q if t in d)
        if dot > 0:
            d_norm = math.sqrt(sum(v * v for v in d.values())) or 1.0
            scored.append((dot / (q_norm * d_norm), skill.name, skill))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [skill for _, _, skill in scored[:k]]


def write_skill(skill: Skill, folder: Path) -> Path:
    """Write ``<folder>/<name>/SKILL.md`` (replacing an earlier version); return its path."""
    path = folder / skill.name / "SKILL.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(skill.as_markdown(), encoding="utf-8")
    os.replace(tmp, path)
    return path
