extends "res://tests/godot/test_case.gd"
## Iteration 0 and every reset start from the same state and act at the same physics step,
## on whichever physics engine the project runs (the suite runs on Jolt and GodotPhysics3D).

## The hand-written fixture, then the first committed sample scene of families whose moved
## object rests on a box and is pushed (the case GodotPhysics3D once got wrong on
## iteration 0 only) or rolls down a ramp.
const FAMILIES: PackedStringArray = ["bin_drop", "push_to_goal", "ramp_to_goal"]
## Iterations compared per scene.
const ITERATIONS := 3


func test_every_iteration_follows_the_same_path() -> void:
	var scenes := _scenes()
	check(scenes.size() == FAMILIES.size() + 1, "scenes found: %s" % [scenes])
	for path: String in scenes:
		var paths := await _moved_paths(path, ITERATIONS)
		check_eq(paths.size(), ITERATIONS, "%s: iterations traced" % path)
		check(not paths.is_empty() and (paths[0] as Array).size() > 10, "%s: no path" % path)
		for i: int in range(1, paths.size()):
			var tick := _first_difference(paths[0], paths[i])
			check(
				tick == -1,
				"%s: iteration %d leaves iteration 0's path at tick %d" % [path, i, tick]
			)
	done()


func test_a_scene_runs_the_same_after_others() -> void:
	var scenes := _scenes()
	var alone := await _moved_paths(scenes[1], 1)
	await _moved_paths(scenes[0], 1)
	await _moved_paths(scenes[2], 1)
	var after := await _moved_paths(scenes[1], 1)
	check_eq(_first_difference(alone[0], after[0]), -1, "first tick that differs")
	done()


func _scenes() -> PackedStringArray:
	var found: PackedStringArray = [FIXTURE_PATH]
	for family: String in FAMILIES:
		var folder := "res://scenarios/%s" % family
		var ids := DirAccess.get_directories_at(folder)
		ids.sort()
		if not ids.is_empty():
			found.append("%s/%s/godot/scene.tscn" % [folder, ids[0]])
	return found


## Run [param path] with the oracle agent for [param iterations] iterations of 1 s and
## return the moved object's position after every physics tick, one array per iteration.
func _moved_paths(path: String, iterations: int) -> Array[Array]:
	var scene := load(path) as PackedScene
	var manager := scene.instantiate() as BenchgenScenarioManager
	manager.source_scene = scene
	manager.max_iterations = iterations
	manager.timeout_s = 1.0
	var agent := BenchgenScenarioSwitcher.create_agent("oracle")
	var paths: Array[Array] = []
	manager.iteration_started.connect(
		func(_index: int) -> void:
			agent.act(manager)
			paths.append([])
	)
	add_child(manager)
	while not manager.is_complete():
		await get_tree().physics_frame
		var body := manager.get_moved_body()
		if body != null and not paths.is_empty() and manager.is_accepting_outcomes():
			paths[-1].append(body.global_transform)
	remove_child(manager)
	manager.queue_free()
	return paths


# The tracer stops at a slightly different tick on the last iteration (the scenario
# completes instead of resetting), so only the ticks both paths traced are compared;
# the outcome times, compared by the runner tests, pin the lengths.
func _first_difference(a: Array, b: Array) -> int:
	for tick: int in mini(a.size(), b.size()):
		if a[tick] != b[tick]:
			return tick
	return -1
