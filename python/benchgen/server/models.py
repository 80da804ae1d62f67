"""Request and response bodies of the HTTP API (the contract with the Godot dock)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from benchgen.errors import BenchgenError
from benchgen.spec.ids import (
    FAMILY_PATTERN,
    GODOT_AGENTS,
    MAX_SEED,
    NAME_MAX_LENGTH,
    SCENARIO_ID_PATTERN,
    GodotAgent,
)
from benchgen.spec.models import ScenarioSpec, Verification, VerificationCheck

__all__ = [
    "AGENT_NAMES",
    "FAMILY_PATTERN",
    "JOB_ID_PATTERN",
    "JOB_KINDS",
    "MAX_COUNT",
    "MAX_SEED",
    "SCENARIO_ID_PATTERN",
    "AgentJobRequest",
    "AgentsInfo",
    "BenchmarkRun",
    "BenchmarkRunRequest",
    "BenchmarkScenes",
    "BenchmarkScenesRequest",
    "FamilyInfo",
    "GenerateJobRequest",
    "Health",
    "JobCreated",
    "JobRequest",
    "JobScenario",
    "JobState",
    "JobStatus",
    "Progress",
    "ScenarioDetail",
    "ScenarioSummary",
    "SolveRequest",
    "SolveResponse",
    "VerifyReport",
]

JOB_ID_PATTERN = r"^[0-9a-f]{32}$"
#: One request generates at most this many scenarios; larger datasets belong to the CLI.
MAX_COUNT = 1000
AGENT_NAMES = GODOT_AGENTS

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
_PARAM_VALUE = float | int | bool | str


class _Body(BaseModel):
    # Strict: a JSON false is not a seed and 0.0 is not a boolean (found by schemathesis).
    model_config = ConfigDict(extra="forbid", strict=True)


class Health(BaseModel):
    """The answer of ``GET /api/health``."""

    status: Literal["ok"] = "ok"
    version: str
    jobs_running: int
    llm_configured: bool = Field(
        default=False,
        description="Free-text requests can run: the LLM environment variables are set.",
    )
    generator_warm: bool = Field(
        default=False,
        description="A generation process is started and warmed up for the next job "
        "(``benchgen serve`` keeps one), so its first scenario comes without start-up.",
    )


class FamilyInfo(BaseModel):
    """A procedural family the dock can offer."""

    name: str
    description: str
    params_schema: dict[str, Any]


def _family_enum(schema: dict[str, Any]) -> None:
    from benchgen.families import family_names

    schema["enum"] = family_names()


class GenerateJobRequest(_Body):
    """``POST /api/jobs`` for a procedural family."""

    family: str = Field(
        max_length=NAME_MAX_LENGTH,
        description="A registered family name.",
        json_schema_extra=_family_enum,
    )
    count: int = Field(default=1, ge=1, le=MAX_COUNT, description="Promoted scenarios wanted.")
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description="The first seed tried.")
    renders: bool = Field(default=False, description="Render views and a contact sheet.")
    godot: bool = Field(default=True, description="Export the Godot scene of each scenario.")
    params: dict[str, _PARAM_VALUE] | None = Field(
        default=None,
        description="Parameter values fixed for every scenario; see the family's params_schema.",
    )

    @field_validator("family")
    @classmethod
    def _known_family(cls, name: str) -> str:
        from benchgen.families import family_names

        if name not in family_names():
            raise ValueError(
                f"{name!r} is not a scenario family; available: {', '.join(family_names())}"
            )
        return name

    @model_validator(mode="after")
    def _valid_params(self) -> GenerateJobRequest:
        if self.params:
            from benchgen.families import get_family

            try:
                get_family(self.family).sample(self.seed, self.params)
            except BenchgenError as exc:
                raise ValueError(f"params: {exc}") from exc
        return self


class AgentJobRequest(_Body):
    """``POST /api/jobs`` with free text for the LLM agent."""

    request: str = Field(
        min_length=1,
        max_length=20_000,
        description="Free text describing the scenario wanted (needs an LLM).",
    )


def _job_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "agent" if "request" in value and "family" not in value else "generate"
    return "agent" if isinstance(value, AgentJobRequest) else "generate"


#: The body of ``POST /api/jobs``: a family request, or free text.
JobRequest = Annotated[
    Annotated[GenerateJobRequest, Tag("generate")] | Annotated[AgentJobRequest, Tag("agent")],
    Discriminator(_job_kind),
]
JOB_KINDS = ("generate", "agent")


class JobCreated(BaseModel):
    """The answer of ``POST /api/jobs``."""

    id: str


class Progress(BaseModel):
    """Scenarios finished out of those wanted."""

    done: int
    total: int


class JobScenario(BaseModel):
    """One scenario a job touched: its current stage and, once built, its status."""

    id: str
    family: str
    stage: str
    status: Literal["running", "promoted", "rejected", "skipped"]
    reasons: list[str] = Field(default_factory=list)
    thumbnail: bool = Field(
        default=False,
        description="Its thumbnail is published (GET /api/scenarios/{id} gives the URL); "
        "with renders, this comes with the verdict, before the full renders.",
    )


class JobStatus(BaseModel):
    """The answer of ``GET /api/jobs/{id}``."""

    id: str
    kind: str
    state: JobState
    progress: Progress
    scenarios: list[JobScenario]
    error: str
    warnings: list[str] = Field(default_factory=list)
    request: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ScenarioSummary(BaseModel):
    """One row of ``GET /api/scenarios``."""

    id: str
    family: str
    seed: int | None
    status: Literal["promoted", "rejected"]
    reasons: list[str]
    job_id: str | None
    url: str
    thumbnail_url: str | None


class ScenarioDetail(BaseModel):
    """The answer of ``GET /api/scenarios/{id}``."""

    id: str
    family: str
    status: Literal["promoted", "rejected"]
    reasons: list[str]
    detail: str
    spec: ScenarioSpec | None = Field(description="scenario.json, for a promoted scenario.")
    verification: Verification | None
    render_urls: list[str]
    thumbnail_url: str | None
    scene_path: str | None = Field(
        description="The Godot scene as a res:// path, when inside the project."
    )


class VerifyReport(BaseModel):
    """The answer of ``POST /api/scenarios/{id}/verify``."""

    id: str
    ok: bool
    reasons: list[str]
    checks: list[VerificationCheck]


class BenchmarkScenesRequest(_Body):
    """``POST /api/benchmark/scenarios``: scenario scenes to put in the benchmark scene."""

    scenario_ids: list[str] = Field(min_length=1, max_length=1000)
    replace: bool = Field(default=False, description="Replace the array instead of appending.")

    @field_validator("scenario_ids")
    @classmethod
    def _valid_ids(cls, ids: list[str]) -> list[str]:
        for value in ids:
            if not re.match(SCENARIO_ID_PATTERN, value):
                raise ValueError(f"{value!r} is not a scenario id (<family>-<seed>-<6 hex>)")
        return ids


class BenchmarkScenes(BaseModel):
    """The scenario array of the benchmark scene."""

    scene: str
    scenarios: list[str]


class BenchmarkRunRequest(_Body):
    """``POST /api/benchmark/runs``: run the benchmark scene in Godot."""

    agent: GodotAgent = "null"
    config: str | None = Field(
        default=None,
        max_length=NAME_MAX_LENGTH,
        description="llm: the LLM configuration Godot's agent asks POST /api/solve for.",
    )
    iterations: int | None = Field(default=None, ge=1, le=1000)
    timeout_s: float | None = Field(default=None, gt=0, le=3600)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    runtime: Literal["auto", "native", "web"] = "auto"


class BenchmarkRun(BaseModel):
    """The answer of ``GET /api/benchmark/runs/{id}``."""

    id: str
    state: JobState
    lines: int = Field(description="Lines Godot printed so far.")
    last_line: str
    error: str
    results: dict[str, Any] | None
    request: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class AgentsInfo(BaseModel):
    """The answer of ``GET /api/agents``: what the dock's agent picker offers."""

    baselines: list[str] = Field(description="Godot's own agents (--agent=NAME).")
    llms: list[str] = Field(description="LLM configurations of llm_configs.yaml (--config NAME).")
    solvers: list[str] = Field(description="Agents POST /api/solve runs (benchgen eval's).")


class SolveRequest(_Body):
    """``POST /api/solve``: the next attempt of an agent at a scenario, with the earlier ones.

    ``history`` holds the earlier attempts as this endpoint returned them (``proposal``'s
    solution, answer and messages) with the ``outcome`` the caller observed (Godot's).
    """

    scenario_id: str = Field(pattern=SCENARIO_ID_PATTERN)
    agent: Literal["null", "random", "search", "oracle", "llm"] = "llm"
    config: str | None = Field(
        default=None, max_length=NAME_MAX_LENGTH, description="An LLM configuration name."
    )
    attempts: int = Field(default=5, ge=1, le=100)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    history: list[dict[str, Any]] = Field(default_factory=list, max_length=100)


class SolveResponse(BaseModel):
    """The answer of ``POST /api/solve``."""

    agent: str
    attempt: int
    proposal: dict[str, Any] = Field(description="Solution, answer, messages, tokens, seconds.")
    mujoco: dict[str, Any] = Field(description="The solution's outcome in MuJoCo.")
    godot: dict[str, Any] | None = Field(
        description="The solution in Godot's frame (push_velocity, pieces, piece_friction); "
        "null when there is nothing to apply."
    )
