class_name BenchgenAgentPolicy
extends RefCounted
## A scripted agent: acts once at the start of every iteration of a scenario.
##
## The base class is the null agent (it does nothing), the baseline that must fail.
## [method BenchgenScenarioSwitcher.create_agent] returns the agent a runner argument names.

## Random numbers of the agent, seeded when it is created.
var rng := RandomNumberGenerator.new()


## Take what the agent needs from the runner's [param args] (the LLM agent: its backend).
func configure(_args: BenchgenRunArgs) -> void:
	pass


## Attach to [param manager] before its first iteration (it is in the tree, not yet run).
func begin(_manager: BenchgenScenarioManager) -> void:
	pass


## Act on [param manager] at the start of an iteration.
func act(_manager: BenchgenScenarioManager) -> void:
	pass


## Add what the agent recorded to the run's [param report] when the run is over.
func finish(_report: Dictionary) -> void:
	pass
