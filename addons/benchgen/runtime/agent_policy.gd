class_name BenchgenAgentPolicy
extends RefCounted
## A scripted agent: acts once at the start of every iteration of a scenario.
##
## The base class is the null agent (it does nothing), the baseline that must fail.
## [method BenchgenScenarioSwitcher.create_agent] returns the agent a runner argument names.

## Random numbers of the agent, seeded when it is created.
var rng := RandomNumberGenerator.new()


## Act on [param manager] at the start of an iteration.
func act(_manager: BenchgenScenarioManager) -> void:
	pass
