extends Node
## Base of the GDScript tests: checks that collect failures, waits, and scene builders.

## Scenes of the tests' own scenarios.
const FIXTURE_PATH := "res://tests/godot/fixtures/ball_to_goal.tscn"

## Failure messages of the running test; empty means it passed.
var failures: PackedStringArray = []
## Set by [method done]. Release templates (the web runtime) print nothing when a script
## error aborts a function, so a test that never reaches its last line must not pass.
var finished: bool = false


## Mark the test as run to its end; every test calls it last.
func done() -> void:
	finished = true


## Record [param message] as a failure unless [param condition] holds.
func check(condition: bool, message: String) -> void:
	if not condition:
		failures.append(message)


## Record a failure unless [param actual] equals [param expected].
func check_eq(actual: Variant, expected: Variant, what: String) -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		failures.append(
			"%s: expected %s, got %s" % [what, var_to_str(expected), var_to_str(actual)]
		)


## Wait [param count] physics ticks.
func physics_ticks(count: int) -> void:
	for i: int in count:
		await get_tree().physics_frame


## Wait until [param manager] completes or [param max_ticks] pass; return its results.
func run_to_completion(manager: BenchgenScenarioManager, max_ticks: int = 2000) -> Dictionary:
	for i: int in max_ticks:
		if manager.is_complete():
			break
		await get_tree().physics_frame
	await get_tree().process_frame
	check(manager.is_complete(), "%s did not complete within %d ticks" % [manager.name, max_ticks])
	return manager.get_results()


## Instance [param scene] as a running scenario under this node and wait for its start.
func start_scenario(scene: PackedScene) -> BenchgenScenarioManager:
	var manager := scene.instantiate() as BenchgenScenarioManager
	manager.source_scene = scene
	add_child(manager)
	await manager.iteration_started
	return manager


## Build a scenario in code: a floor, a ball of [param ball_group] at the origin, the
## given zones (each a pair [zone node, centre]) and [param extras]; returns it packed.
## Everything a test needs goes into the scene: each iteration re-instances it.
func build_scenario(
	zones: Array,
	timeout_s: float = 5.0,
	iterations: int = 1,
	ball_group: StringName = &"benchgen_moved",
	extras: Array[Node] = [],
) -> PackedScene:
	var root := BenchgenScenarioManager.new()
	root.name = "CodeScenario"
	root.timeout_s = timeout_s
	root.max_iterations = iterations
	root.add_child(_floor())
	var ball := ball_body(Vector3(0.0, 0.1, 0.0))
	if not ball_group.is_empty():
		ball.add_to_group(ball_group, true)
	root.add_child(ball)
	for pair: Array in zones:
		var zone := pair[0] as Area3D
		zone.position = pair[1]
		root.add_child(zone)
	for extra: Node in extras:
		root.add_child(extra)
	_own(root, root)
	var packed := PackedScene.new()
	var err := packed.pack(root)
	check(err == OK, "pack failed: %s" % error_string(err))
	root.free()
	return packed


## Return a zone of [param script] with a box of [param size].
func zone(script: GDScript, size: Vector3) -> Area3D:
	var area: Area3D = script.new()
	area.name = script.resource_path.get_file().get_basename().to_pascal_case()
	var collider := CollisionShape3D.new()
	collider.name = "Shape"
	var box := BoxShape3D.new()
	box.size = size
	collider.shape = box
	area.add_child(collider)
	return area


## Return a 0.1 m ball (rigid body named Ball) at [param at].
func ball_body(at: Vector3) -> RigidBody3D:
	var ball := RigidBody3D.new()
	ball.name = "Ball"
	ball.position = at
	ball.mass = 0.5
	var collider := CollisionShape3D.new()
	collider.name = "Shape"
	var sphere := SphereShape3D.new()
	sphere.radius = 0.1
	collider.shape = sphere
	ball.add_child(collider)
	return ball


func _floor() -> StaticBody3D:
	var body := StaticBody3D.new()
	body.name = "Floor"
	body.position = Vector3(0.0, -0.1, 0.0)
	var collider := CollisionShape3D.new()
	collider.name = "Shape"
	var box := BoxShape3D.new()
	box.size = Vector3(40.0, 0.2, 40.0)
	collider.shape = box
	body.add_child(collider)
	return body


func _own(node: Node, owner_node: Node) -> void:
	for child: Node in node.get_children():
		child.owner = owner_node
		_own(child, owner_node)
