"""Agent stage: the LLM path (planner → coder → reviewer graph) and its sandbox.

Names are imported lazily, so ``import benchgen.agent.tools`` inside the sandbox and CLI
start-up do not pay for LangGraph and the OpenAI client.
"""

from __future__ import annotations

from benchgen._lazy import lazy_exports
from benchgen.extras import require

require("agent", what="the LLM agent (benchgen agent, free-text requests)")

__all__ = [
    "AgentError",
    "AgentEvent",
    "AgentRunResult",
    "AgentSettings",
    "ChatModel",
    "KilledBy",
    "LLMConfig",
    "ModelReply",
    "OpenAIChatModel",
    "Review",
    "SandboxLimits",
    "SandboxResult",
    "ScriptedModel",
    "Skill",
    "ToolCall",
    "Usage",
    "Workspace",
    "build_graph",
    "learn_from_journals",
    "load_llm_config",
    "load_skills",
    "parse_review",
    "run_agent",
    "run_agent_job",
    "run_sandboxed",
    "select_skills",
]

_WHERE = {
    "AgentError": "benchgen.errors",
    "AgentEvent": "benchgen.agent.graph",
    "AgentSettings": "benchgen.agent.graph",
    "build_graph": "benchgen.agent.graph",
    "AgentRunResult": "benchgen.agent.runner",
    "run_agent": "benchgen.agent.runner",
    "run_agent_job": "benchgen.agent.runner",
    "ChatModel": "benchgen.agent.llm",
    "LLMConfig": "benchgen.agent.llm",
    "ModelReply": "benchgen.agent.llm",
    "OpenAIChatModel": "benchgen.agent.llm",
    "ToolCall": "benchgen.agent.llm",
    "Usage": "benchgen.agent.llm",
    "load_llm_config": "benchgen.agent.llm",
    "Review": "benchgen.agent.reviews",
    "parse_review": "benchgen.agent.reviews",
    "KilledBy": "benchgen.sandbox",
    "SandboxLimits": "benchgen.sandbox",
    "SandboxResult": "benchgen.sandbox",
    "run_sandboxed": "benchgen.sandbox",
    "ScriptedModel": "benchgen.agent.scripted",
    "Skill": "benchgen.agent.skills",
    "load_skills": "benchgen.agent.skills",
    "select_skills": "benchgen.agent.skills",
    "learn_from_journals": "benchgen.agent.learner",
    "Workspace": "benchgen.agent.workspace",
}

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
