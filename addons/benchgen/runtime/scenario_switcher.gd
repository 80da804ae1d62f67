class_name BenchgenScenarioSwitcher
extends Node
## Runs scenarios one after another (autoload [code]BenchgenSwitcher[/code]).
##
## Each scenario scene is instanced under this node, runs its iterations with an agent
## acting at the start of each, and is freed when its [signal
## BenchgenScenarioManager.scenario_complete] arrives; then the next one starts. All
## scenarios run in one Godot process, so the engine starts once per benchmark.

## Emitted when a scenario's manager enters the tree, before its first iteration ends.
signal scenario_started(manager: BenchgenScenarioManager)
## Emitted with a scenario's results after its last iteration.
signal scenario_finished(results: Dictionary)

const _AGENTS := {
	"null": preload("res://addons/benchgen/runtime/agents/null_agent.gd"),
	"random": preload("res://addons/benchgen/runtime/agents/random_agent.gd"),
	"oracle": preload("res://addons/benchgen/runtime/agents/oracle_agent.gd"),
	"llm": preload("res://addons/benchgen/runtime/agents/llm_agent.gd"),
}


## Return the agent called [param agent_name] seeded with [param rng_seed], or null.
static func create_agent(agent_name: String, rng_seed: int = 0) -> BenchgenAgentPolicy:
	if not _AGENTS.has(agent_name):
		return null
	var agent: BenchgenAgentPolicy = (_AGENTS[agent_name] as GDScript).new()
	agent.rng.seed = rng_seed
	return agent


## Run every scene of [param scenes] with [param agent] and return their results in order.
##
## [param iterations] and [param timeout_s] override each scenario's own when positive.
func run(
	scenes: Array[PackedScene],
	agent: BenchgenAgentPolicy,
	iterations: int = 0,
	timeout_s: float = 0.0,
) -> Array[Dictionary]:
	var all: Array[Dictionary] = []
	var base_seed := agent.rng.seed
	for scene: PackedScene in scenes:
		# Each scenario's draws come from the seed and its path alone, not from the scenes
		# run before it: a run split over processes gives each scenario the same draws.
		agent.rng.seed = hash([base_seed, scene.resource_path])
		all.append(await run_scenario(scene, agent, iterations, timeout_s))
	return all


## Run one scenario scene to completion and return its results.
func run_scenario(
	scene: PackedScene,
	agent: BenchgenAgentPolicy,
	iterations: int = 0,
	timeout_s: float = 0.0,
) -> Dictionary:
	var node := scene.instantiate()
	var manager := node as BenchgenScenarioManager
	if manager == null:
		node.free()
		push_error("benchgen: %s has no BenchgenScenarioManager root." % scene.resource_path)
		return _error_results(scene.resource_path, "NOT_A_SCENARIO")
	manager.source_scene = scene
	manager.autostart = true
	if iterations > 0:
		manager.max_iterations = iterations
	if timeout_s > 0.0:
		manager.timeout_s = timeout_s
	manager.iteration_started.connect(func(_index: int) -> void: agent.act(manager))
	add_child(manager)
	agent.begin(manager)
	scenario_started.emit(manager)
	var results: Dictionary = await manager.scenario_complete
	remove_child(manager)
	manager.queue_free()
	scenario_finished.emit(results)
	return results


func _error_results(path: String, reason: String) -> Dictionary:
	return {
		"scene": path,
		"successes": 0,
		"failures": 0,
		"errors": 1,
		"iterations": [{"outcome": "error", "reason": reason, "time_s": 0.0}],
	}
