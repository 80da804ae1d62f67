"""The tools each role may call, as OpenAI function schemas, and their dispatch.

Every tool result is a string fed back to the model. A mistake of the model (an unknown
tool, arguments that are not JSON, a missing argument, a path outside the workspace, a
malformed review) becomes an ``ERROR: ...`` result that says how to fix it, never an
exception. Everything that runs code the agent wrote goes through
:func:`~benchgen.sandbox.run_sandboxed`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchgen.agent.reviews import Review, write_review
from benchgen.agent.tools import RESULT_MARKER, SimulationReport, ValidationReport
from benchgen.agent.workspace import PROTECTED, Role, ToolError, Workspace
from benchgen.sandbox import SandboxLimits, SandboxResult, run_sandboxed

__all__ = ["ToolBox", "ToolOutcome", "run_tool_in_sandbox"]

_OUTPUT_CAP = 6000
_STR = {"type": "string"}


@dataclass
class _Tool:
    description: str
    properties: dict[str, Any]
    required: tuple[str, ...]
    handler: Callable[..., str]

    def schema(self, name: str) -> dict[str, Any]:
        params = {"type": "object", "properties": self.properties, "required": list(self.required)}
        return {
            "type": "function",
            "function": {"name": name, "description": self.description, "parameters": params},
        }


@dataclass
class ToolOutcome:
    """What the tools of one role step did, for the graph and the journal."""

    submitted: bool = False
    review: Review | None = None
    review_path: str | None = None
    results: list[str] = field(default_factory=list)
    last_validation: ValidationReport | None = None
    last_simulation: SimulationReport | None = None


def _tail(text: str) -> str:
    return text if len(text) <= _OUTPUT_CAP else "...(cut)...\n" + text[-_OUTPUT_CAP:]


def run_tool_in_sandbox(
    ws: Workspace, argv: list[str], *, limits: SandboxLimits
) -> tuple[dict[str, Any] | None, SandboxResult]:
    """Run ``utils/run_tool.py ARGV`` in the sandbox; return its JSON result (None on a crash)."""
    result = _sandboxed(ws, Path("utils/run_tool.py"), argv, limits)
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            try:
                data = json.loads(line[len(RESULT_MARKER) :])
            except ValueError:
                return None, result
            return (data, result) if isinstance(data, dict) else (None, result)
    return None, result


def _sandboxed(
    ws: Workspace, script: Path, args: list[str], limits: SandboxLimits
) -> SandboxResult:
    """Run a workspace script with the protected names read-only, then check them."""
    ws.restore_protected()
    try:
        return run_sandboxed(
            script,
            workspace=ws.root,
            limits=limits,
            args=args,
            env={"MUJOCO_GL": "egl"},
            protected=PROTECTED,
        )
    finally:
        ws.restore_protected()


def _crash(tool: str, result: SandboxResult) -> str:
    stop = f" (stopped by the {result.killed_by} limit)" if result.killed_by else ""
    return f"ERROR: {tool} crashed with exit code {result.exit_code}{stop}:\n{_tail(result.stderr)}"


class ToolBox:
    """The tools of one role in one workspace."""

    def __init__(
        self,
        ws: Workspace,
        role: Role,
        *,
        limits: SandboxLimits,
        validation_seeds: tuple[int, ...] = (0, 1, 2),
        renders: bool = False,
    ) -> None:
        self.ws, self.role, self.limits = ws, role, limits
        self.validation_seeds, self.renders = validation_seeds, renders
        self.outcome = ToolOutcome()
        self._tools = {name: tool for name, tool in self._all().items() if role in _ROLES[name]}

    def _all(self) -> dict[str, _Tool]:
        path = {"path": {**_STR, "description": "Path relative to the workspace."}}
        return {
            "ls": _Tool(
                "List a folder of the workspace.",
                {"path": {**_STR, "description": "Folder, default '.'"}},
                (),
                self._ls,
            ),
            "read": _Tool("Read a text file of the workspace.", path, ("path",), self._read),
            "write": _Tool(
                "Write a whole text file (creating folders).",
                {**path, "content": _STR},
                ("path", "content"),
                self._write,
            ),
            "edit": _Tool(
                "Replace one exact, unique snippet 'old' of a file by 'new'.",
                {**path, "old": _STR, "new": _STR},
                ("path", "old", "new"),
                self._edit,
            ),
            "execute": _Tool(
                "Run a Python file of the workspace in the sandbox (no network, CPU/memory/time "
                "limits; the workspace is the working directory) and return its output.",
                {**path, "args": {"type": "array", "items": _STR}},
                ("path",),
                self._execute,
            ),
            "validate": _Tool(
                "Check script.py's family on several seeds: closed solids, no "
                "intersections, everything in bounds.",
                {"seeds": {"type": "array", "items": {"type": "integer"}}},
                (),
                self._validate,
            ),
            "simulate": _Tool(
                "Build one seed of script.py and run the full gate: stability, not trivial, "
                "solvable by the reference solution; renders views when enabled.",
                {"seed": {"type": "integer"}},
                (),
                self._simulate,
            ),
            "submit_for_review": _Tool(
                "Hand script.py to the Reviewer; ends your turn.", {"notes": _STR}, (), self._submit
            ),
            "get_docs_for": _Tool(
                "Offline docs: a topic ('family', 'zones') or a name ('box_piece', 'Layout', "
                "'build123d.Box', 'mujoco.MjModel').",
                {"name": _STR},
                ("name",),
                self._docs,
            ),
            "write_review": _Tool(
                "Write your review: Markdown starting with YAML front matter holding "
                "'decision: approved|rejected' and 'comments: [...]'.",
                {"review": _STR},
                ("review",),
                self._review,
            ),
        }

    # Schemas and dispatch ------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The names of this role's tools."""
        return sorted(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        """Return the OpenAI ``tools`` list of this role."""
        return [self._tools[name].schema(name) for name in self.names]

    def call(self, name: str, arguments: str) -> str:
        """Run one tool call and return its result text (``ERROR: ...`` on a mistake)."""
        try:
            result = self._dispatch(name, arguments)
        except ToolError as exc:
            result = f"ERROR: {exc}"
        self.outcome.results.append(f"{name}: {result.splitlines()[0] if result else ''}"[:300])
        return result

    def _dispatch(self, name: str, arguments: str) -> str:
        tool = self._tools.get(name)
        if tool is None:
            raise ToolError(
                f"there is no tool {name!r}; the {self.role} can call: {', '.join(self.names)}"
            )
        try:
            args = json.loads(arguments) if arguments and arguments.strip() else {}
        except json.JSONDecodeError as exc:
            raise ToolError(
                f"the arguments of {name} are not valid JSON ({exc.msg} at char {exc.pos}): "
                f"{arguments[:200]!r}"
            ) from exc
        if not isinstance(args, dict):
            raise ToolError(
                f"the arguments of {name} must be a JSON object, not {type(args).__name__}"
            )
        missing = [a for a in tool.required if a not in args]
        if missing:
            raise ToolError(
                f"{name} needs the argument(s) {', '.join(missing)}; got {sorted(args) or 'none'}"
            )
        return tool.handler(**{k: v for k, v in args.items() if k in tool.properties})

    # Handlers ------------------------------------------------------------------------

    def _ls(self, path: str = ".") -> str:
        return self.ws.ls(path)

    def _read(self, path: str) -> str:
        return self.ws.read(path)

    def _write(self, path: str, content: str) -> str:
        return self.ws.write(path, content, role=self.role)

    def _edit(self, path: str, old: str, new: str) -> str:
        return self.ws.edit(path, old, new, role=self.role)

    def _execute(self, path: str, args: list[str] | None = None) -> str:
        script = self.ws.resolve(path)
        if not script.is_file() or script.suffix != ".py":
            raise ToolError(f"{path!r} is not a Python file in the workspace; write it first")
        result = _sandboxed(self.ws, script, [str(a) for a in args or []], self.limits)
        stop = f", stopped by the {result.killed_by} limit" if result.killed_by else ""
        note = (
            "\nNOTE: not copied back from the sandbox (only regular files and folders are): "
            + "; ".join(result.not_copied)
            if result.not_copied
            else ""
        )
        return (
            f"exit code {result.exit_code}{stop} after {result.wall_s} s\n--- stdout ---\n"
            f"{_tail(result.stdout)}\n--- stderr ---\n{_tail(result.stderr)}{note}"
        )

    def _validate(self, seeds: list[int] | None = None) -> str:
        chosen = [int(s) for s in seeds] if seeds else list(self.validation_seeds)
        argv = ["validate", "script.py", *[f"--seed={s}" for s in chosen]]
        data, result = run_tool_in_sandbox(self.ws, argv, limits=self.limits)
        if data is None:
            return _crash("validate", result)
        report = ValidationReport.model_validate(data)
        self.outcome.last_validation = report
        return report.summary()

    def _simulate(self, seed: int = 0) -> str:
        argv = [
            "simulate",
            "script.py",
            f"--seed={int(seed)}",
            *(["--renders"] if self.renders else []),
        ]
        data, result = run_tool_in_sandbox(self.ws, argv, limits=self.limits)
        if data is None:
            return _crash("simulate", result)
        report = SimulationReport.model_validate(data)
        self.outcome.last_simulation = report
        return report.summary()

    def _submit(self, notes: str = "") -> str:
        if not self.ws.text("script.py").strip():
            raise ToolError("script.py is empty: write the family module before submitting it")
        record = {"script_sha256": self.ws.script_sha(), "notes": notes}
        (self.ws.root / "submission.json").write_text(
            json.dumps(record, indent=2), encoding="utf-8"
        )
        self.outcome.submitted = True
        return "submitted script.py for review; the Reviewer takes over"

    def _docs(self, name: str) -> str:
        from benchgen.agent.docs import docs_for

        return docs_for(str(name))

    def _review(self, review: str) -> str:
        path, parsed = write_review(self.ws.root / "reviews", str(review))
        self.outcome.review, self.outcome.review_path = parsed, self.ws.rel(path)
        return f"review written to {self.ws.rel(path)} ({parsed.decision})"


_ROLES: dict[str, tuple[Role, ...]] = {
    "ls": ("planner", "coder", "reviewer"),
    "read": ("planner", "coder", "reviewer"),
    "write": ("planner", "coder"),
    "edit": ("planner", "coder"),
    "execute": ("coder",),
    "validate": ("coder",),
    "simulate": ("coder",),
    "submit_for_review": ("coder",),
    "get_docs_for": ("planner", "coder"),
    "write_review": ("reviewer",),
}
