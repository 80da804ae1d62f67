extends "res://tests/godot/test_case.gd"
## BenchgenScenarioManager: one outcome per iteration, timeout, reset by re-instancing.

const GoalZone := preload("res://addons/benchgen/runtime/goal_zone.gd")
const EntityDiedGoal := preload("res://addons/benchgen/runtime/entity_died_goal.gd")


func test_latch_keeps_first_outcome() -> void:
	var manager := await start_scenario(build_scenario([], 30.0, 2))
	manager.track_success()
	manager.track_failure("LATE")
	manager.track_error("LATER")
	await get_tree().process_frame
	var results := manager.get_results()
	check_eq(results["successes"], 1, "successes after one latched iteration")
	check_eq(results["failures"], 0, "failures ignored after the latch")
	check_eq(results["errors"], 0, "errors ignored after the latch")
	check_eq(manager.iteration, 1, "iteration index after the outcome")
	done()


func test_timeout_is_failure_with_reason() -> void:
	var manager := await start_scenario(build_scenario([], 0.5, 1))
	var results := await run_to_completion(manager)
	check_eq(results["failures"], 1, "failures")
	var record: Dictionary = results["iterations"][0]
	check_eq(record["reason"], "TIMEOUT", "reason")
	check(absf(float(record["time_s"]) - 0.5) < 0.05, "time_s %s is not ~0.5" % record["time_s"])
	done()


func test_complete_after_max_iterations() -> void:
	var manager := await start_scenario(build_scenario([], 0.2, 3))
	var seen: Array[Dictionary] = []
	manager.scenario_complete.connect(func(results: Dictionary) -> void: seen.append(results))
	var results := await run_to_completion(manager)
	check_eq((results["iterations"] as Array).size(), 3, "iterations recorded")
	check_eq(seen.size(), 1, "scenario_complete emissions")
	done()


func test_reset_reinstances_content() -> void:
	var manager := await start_scenario(build_scenario([], 30.0, 5))
	var old_ball := manager.get_moved_body()
	old_ball.global_position = Vector3(1.0, 2.0, 3.0)
	manager.reset()
	await manager.iteration_started
	var new_ball := manager.get_moved_body()
	check(new_ball != null, "no moved body after reset")
	if new_ball == null:
		return
	check(new_ball != old_ball, "reset kept the old ball instead of re-instancing it")
	check(
		new_ball.global_position.distance_to(Vector3(0.0, 0.1, 0.0)) < 0.01,
		"ball not back at its start: %s" % new_ball.global_position
	)
	check_eq(manager.get_results()["iterations"], [], "records after a bare reset")
	done()


func test_events_during_reset_are_ignored() -> void:
	# An entity-died goal fires while the reset frees the old content; it must not count.
	var victim := Node3D.new()
	victim.name = "Victim"
	var goal: Node = EntityDiedGoal.new()
	goal.name = "DiedGoal"
	goal.set("entity_path", NodePath("../Victim"))
	var manager := await start_scenario(
		build_scenario([], 30.0, 2, &"benchgen_moved", [victim, goal])
	)
	manager.reset()
	await manager.iteration_started
	check_eq(manager.get_results()["iterations"], [], "records after reset")
	check_eq(manager.iteration, 0, "iteration after reset")
	done()


func test_time_to_outcome_is_recorded() -> void:
	var manager := await start_scenario(build_scenario([], 30.0, 1))
	await physics_ticks(30)
	manager.track_success()
	var results := await run_to_completion(manager)
	var time_s := float(results["iterations"][0]["time_s"])
	# Simulated steps per second: the physics rate over the time scale the runner set.
	var expected := 30.0 * Engine.time_scale / Engine.physics_ticks_per_second
	check(
		time_s > 0.6 * expected and time_s < 1.4 * expected,
		"time_s %s is not ~%s s (30 ticks)" % [time_s, expected]
	)
	done()
