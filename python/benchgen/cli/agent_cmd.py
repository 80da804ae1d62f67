"""``benchgen agent "REQUEST"``: generate a scenario family with the LLM agent graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from benchgen.cli._common import DEFAULT_OUT, console, fail, reports_errors
from benchgen.cli.app import app

if TYPE_CHECKING:
    from benchgen.agent.graph import AgentEvent
    from benchgen.agent.runner import AgentRunResult

__all__: list[str] = []


def _print_event(event: AgentEvent) -> None:
    if event.kind == "step_started":
        console.print(f"[bold cyan]▶ {event.step}[/]")
    elif event.kind == "tool":
        console.print(f"    [dim]{event.step}[/] {event.message}")
    elif event.kind == "step_finished":
        console.print(f"  [green]✓[/] {event.step}: {event.message}")


def _print_result(result: AgentRunResult) -> None:
    console.print(
        f"run {result.run_id} ({result.model}): [bold]{result.status}[/] after "
        f"{result.iterations} round(s), {result.usage.total_tokens} tokens "
        f"in {result.usage.calls} calls"
    )
    console.print(
        f"workspace: {result.workspace}\njournal:   {result.journal}\ntrace:     {result.trace}"
    )
    for path in result.learned_skills:
        console.print(f"learned skill: {path}")
    if result.promoted_folder:
        console.print(f"promoted scenario: [bold green]{result.promoted_folder}[/]")


@app.command("agent")
@reports_errors
def agent(
    request: Annotated[str | None, typer.Argument(help="What to generate, in words.")] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", "-c", help="Named LLM configuration in llm_configs.yaml."),
    ] = None,
    max_iterations: Annotated[
        int, typer.Option("--max-iterations", min=1, help="Coder/Reviewer rounds.")
    ] = 3,
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder.")] = DEFAULT_OUT,
    run_id: Annotated[
        str | None, typer.Option("--run-id", help="Resume (or name) this run.")
    ] = None,
    renders: Annotated[
        bool, typer.Option("--renders/--no-renders", help="Render views for the Reviewer.")
    ] = True,
    godot: Annotated[
        bool, typer.Option("--godot/--no-godot", help="Export the Godot scene when promoted.")
    ] = True,
    learn: Annotated[
        bool, typer.Option("--learn/--no-learn", help="Run the Learner at the end.")
    ] = True,
) -> None:
    """Plan, code, review and verify a new scenario family for REQUEST with an LLM.

    The endpoint is any OpenAI-compatible API: set BENCHGEN_LLM_BASE_URL, BENCHGEN_LLM_MODEL
    and BENCHGEN_LLM_API_KEY, or name a configuration of llm_configs.yaml with --config.
    """
    from benchgen.agent.graph import AgentSettings
    from benchgen.agent.llm import OpenAIChatModel, load_llm_config
    from benchgen.agent.runner import run_agent

    if not request and not run_id:
        fail(
            'give a REQUEST such as "a ball rolls down two ramps into a cup", or --run-id to resume'
        )
    llm = load_llm_config(config)
    console.print(
        f"LLM: {llm.name} ({llm.model} at {llm.base_url}){' with vision' if llm.vision else ''}"
    )
    settings = AgentSettings(
        max_iterations=max_iterations, renders=renders, godot=godot, learn=learn
    )
    result = run_agent(
        request,
        out,
        model=OpenAIChatModel(llm),
        run_id=run_id,
        settings=settings,
        on_event=_print_event,
    )
    _print_result(result)
    if result.status != "promoted":
        fail(
            f"no scenario was promoted: {result.failure} "
            f"(reasons: {', '.join(result.reasons) or '-'})",
            code=1,
        )
