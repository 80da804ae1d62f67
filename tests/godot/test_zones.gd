extends "res://tests/godot/test_case.gd"
## Zones react only to the moved object; forbid and bounds end an iteration in failure.

const GoalZone := preload("res://addons/benchgen/runtime/goal_zone.gd")
const ForbidZone := preload("res://addons/benchgen/runtime/forbid_zone.gd")
const LocationGoal := preload("res://addons/benchgen/runtime/location_goal.gd")
const InventoryGoal := preload("res://addons/benchgen/runtime/inventory_goal.gd")
const Agent := preload("res://addons/benchgen/runtime/agent.gd")


func test_goal_zone_ignores_bodies_outside_the_group() -> void:
	# The ball starts inside the goal zone but is not in the moved group.
	var goal := zone(GoalZone, Vector3(1.0, 1.0, 1.0))
	var manager := await start_scenario(
		build_scenario([[goal, Vector3(0.0, 0.1, 0.0)]], 1.0, 1, &"")
	)
	var results := await run_to_completion(manager)
	check_eq(results["successes"], 0, "successes from a body outside the group")
	check_eq(results["iterations"][0]["reason"], "TIMEOUT", "reason")
	done()


func test_goal_zone_reports_the_moved_object() -> void:
	var goal := zone(GoalZone, Vector3(0.6, 0.4, 1.0))
	var manager := await start_scenario(build_scenario([[goal, Vector3(1.0, 0.2, 0.0)]], 5.0))
	manager.get_moved_body().linear_velocity = Vector3(2.0, 0.0, 0.0)
	var results := await run_to_completion(manager)
	check_eq(results["successes"], 1, "successes")
	done()


func test_goal_zone_fly_through_is_a_failure_with_its_own_reason() -> void:
	# The ball crosses the 0.6 m goal at 2 m/s: 0.3 s inside, short of a 0.5 s dwell.
	var goal := zone(GoalZone, Vector3(0.6, 0.4, 1.0))
	goal.dwell_s = 0.5
	var manager := await start_scenario(build_scenario([[goal, Vector3(1.0, 0.2, 0.0)]], 3.0))
	manager.get_moved_body().linear_velocity = Vector3(2.0, 0.0, 0.0)
	var results := await run_to_completion(manager)
	var record: Dictionary = results["iterations"][0]
	check_eq(record["reason"], "FLY_THROUGH", "reason")
	check(record["entered_s"] != null and record["won_s"] == null, "entered, never won")
	done()


func test_goal_zone_success_comes_after_the_dwell() -> void:
	# The ball rests inside the goal from the start: it wins once it has stayed 0.5 s.
	var goal := zone(GoalZone, Vector3(1.0, 1.0, 1.0))
	goal.dwell_s = 0.5
	var manager := await start_scenario(build_scenario([[goal, Vector3(0.0, 0.1, 0.0)]], 3.0))
	var results := await run_to_completion(manager)
	var record: Dictionary = results["iterations"][0]
	check_eq(record["outcome"], "success", "outcome")
	var held: float = record["won_s"] - record["entered_s"]
	check(absf(held - 0.5) < 0.02, "won %.3f s after entering, not 0.5 s" % held)
	done()


func test_goal_zone_needs_the_centre_inside() -> void:
	# The ball (r = 0.1) rests 0.15 m from a goal box: it overlaps the box, its centre does not.
	var goal := zone(GoalZone, Vector3(0.2, 0.4, 0.2))
	var manager := await start_scenario(build_scenario([[goal, Vector3(0.2, 0.2, 0.0)]], 1.0))
	var results := await run_to_completion(manager)
	check_eq(results["successes"], 0, "successes from an overlap alone")
	done()


func test_forbid_zone_is_failure() -> void:
	var forbid := zone(ForbidZone, Vector3(0.4, 0.4, 1.0))
	var manager := await start_scenario(build_scenario([[forbid, Vector3(-1.0, 0.2, 0.0)]], 5.0))
	manager.get_moved_body().linear_velocity = Vector3(-2.0, 0.0, 0.0)
	var results := await run_to_completion(manager)
	check_eq(results["failures"], 1, "failures")
	check_eq(results["iterations"][0]["reason"], "FORBID_ZONE_HIT", "reason")
	done()


func test_forbid_zone_ignores_bodies_outside_the_group() -> void:
	var forbid := zone(ForbidZone, Vector3(0.4, 0.4, 1.0))
	var scene := build_scenario([[forbid, Vector3(-1.0, 0.2, 0.0)]], 1.0, 1, &"")
	var manager := await start_scenario(scene)
	(manager.get_node("Ball") as RigidBody3D).linear_velocity = Vector3(-2.0, 0.0, 0.0)
	var results := await run_to_completion(manager)
	check_eq(results["iterations"][0]["reason"], "TIMEOUT", "reason")
	done()


func test_leaving_the_workspace_is_out_of_bounds() -> void:
	var scene := build_scenario([], 5.0)
	var manager := scene.instantiate() as BenchgenScenarioManager
	manager.source_scene = scene
	manager.workspace = AABB(Vector3(-1.0, -1.0, -1.0), Vector3(2.0, 2.0, 2.0))
	add_child(manager)
	await manager.iteration_started
	manager.get_moved_body().linear_velocity = Vector3(0.0, 0.0, 3.0)
	var results := await run_to_completion(manager)
	check_eq(results["iterations"][0]["reason"], "OUT_OF_BOUNDS", "reason")
	done()


func test_location_goal_reacts_to_the_agent_only() -> void:
	var location := zone(LocationGoal, Vector3(1.0, 1.0, 1.0))
	var manager := await start_scenario(build_scenario([[location, Vector3(0.0, 0.1, 0.0)]], 0.5))
	var results := await run_to_completion(manager)
	check_eq(results["successes"], 0, "successes from the ball")
	var agent_body: CharacterBody3D = Agent.new()
	agent_body.name = "Agent"
	var collider := CollisionShape3D.new()
	collider.shape = SphereShape3D.new()
	agent_body.add_child(collider)
	agent_body.position = Vector3(0.0, 5.0, 0.0)
	var location_zone := zone(LocationGoal, Vector3(1.0, 1.0, 1.0))
	var scene := build_scenario(
		[[location_zone, Vector3(0.0, 5.0, 0.0)]], 2.0, 1, &"benchgen_moved", [agent_body]
	)
	results = await run_to_completion(await start_scenario(scene))
	check_eq(results["successes"], 1, "successes when the agent stands in the location")
	done()


func test_inventory_goal_succeeds_on_the_item() -> void:
	var agent_body: BenchgenAgent = Agent.new()
	agent_body.name = "Agent"
	var goal: BenchgenInventoryGoal = InventoryGoal.new()
	goal.name = "InventoryGoal"
	goal.inventory_path = NodePath("../Agent")
	goal.item = &"meat"
	var manager := await start_scenario(
		build_scenario([], 2.0, 1, &"benchgen_moved", [agent_body, goal])
	)
	var live_agent := manager.get_node("Agent") as BenchgenAgent
	live_agent.add_item(&"stone")
	await physics_ticks(2)
	check(manager.is_accepting_outcomes(), "a wrong item ended the iteration")
	live_agent.add_item(&"meat")
	var results := await run_to_completion(manager)
	check_eq(results["successes"], 1, "successes")
	done()
