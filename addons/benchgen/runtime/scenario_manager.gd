class_name BenchgenScenarioManager
extends Node3D
## Runs one benchmark scenario for [member max_iterations] iterations and records outcomes.
##
## The root of a scenario scene carries this script; its children are the scenario's
## content. Each iteration ends with exactly one outcome (a latch): success, failure or
## error. Every iteration, the first included, starts the same way on a physics tick: the
## content is re-instanced from the scene file (in a new physics space when
## [member fresh_world] is on), the engine takes one step with no agent so resting contacts
## exist on every engine, then [signal iteration_started] lets the agent act and outcomes
## count. So iteration 0 and every reset start from the same state and act at the same
## step, whatever the physics engine. Goal and forbid nodes ([BenchgenGoalZone],
## [BenchgenForbidZone], [BenchgenLocationGoal], [BenchgenInventoryGoal],
## [BenchgenEntityDiedGoal]) are found and connected each time; the zones poll their
## overlaps every tick, so a body already inside after the first step is still reported.
## Time is simulated time (the sum of physics steps from the agent's action), so a run
## that goes faster than real time measures the same times.

## Emitted when an iteration ends in success.
signal scenario_succeeded
## Emitted when an iteration ends in failure, with a reason such as [code]"TIMEOUT"[/code].
signal scenario_failed(reason: String)
## Emitted once after the last iteration, with [method get_results].
signal scenario_complete(results: Dictionary)
## Emitted when iteration [param index] (0-based) starts, after its first physics step;
## agents act on this signal.
signal iteration_started(index: int)

## Where the current iteration is.
enum Phase {
	IDLE,  ## Not started.
	PENDING,  ## Fresh content comes in on the next physics tick.
	SETTLING,  ## The content takes its first physics step (outcomes ignored).
	RUNNING,  ## The agent acted; the first outcome ends the iteration.
	ENDED,  ## An outcome is latched; the next iteration (or the end) follows.
	COMPLETE,  ## All iterations ran.
}

const REASON_TIMEOUT := "TIMEOUT"
const REASON_OUT_OF_BOUNDS := "OUT_OF_BOUNDS"
const REASON_FORBID := "FORBID_ZONE_HIT"
const REASON_INSTABILITY := "PHYSICS_INSTABILITY"
## The centre entered the goal but did not stay there for the dwell time.
const REASON_FLY_THROUGH := "FLY_THROUGH"
## Positions beyond this many metres mean the physics blew up (the seed uses 1e4).
const INSTABILITY_LIMIT := 10000.0

## The goal in words, given to the agent.
@export_multiline var task: String = ""
## What a solver is allowed to do to reach the goal; the oracle agent replays it.
@export var reference_solution: BenchgenReferenceSolution

@export_group("Run")
## Iterations to run before [signal scenario_complete].
@export_range(1, 100000) var max_iterations: int = 10
## Simulated seconds before an iteration fails with [code]"TIMEOUT"[/code].
@export_range(0.1, 3600.0, 0.1, "suffix:s") var timeout_s: float = 30.0
## Start the first iteration in [method Node._ready]; else call [method start].
@export var autostart: bool = true
## Give every iteration a new [World3D] (a new physics space) in this node's viewport.
## Without it GodotPhysics3D carries broad-phase state from one iteration into the next
## and iterations drift apart by rounding; turn it off only when other 3D content shares
## the viewport and must keep its world.
@export var fresh_world: bool = true

@export_group("Bounds")
## Group of the moved object (the body the task is about).
@export var moved_group: StringName = &"benchgen_moved"
## Box, in this node's frame, the moved object must stay in; an empty box disables the check.
@export var workspace: AABB = AABB()

## The scene [method reset] re-instances; defaults to [member Node.scene_file_path].
var source_scene: PackedScene
## Index of the current iteration (0-based).
var iteration: int = 0

var _records: Array[Dictionary] = []
var _elapsed_s: float = 0.0
var _entered_s: float = -1.0
var _ticks: int = 0
var _phase: Phase = Phase.IDLE
var _previous_world: World3D


func _ready() -> void:
	if source_scene == null and not scene_file_path.is_empty():
		source_scene = load(scene_file_path) as PackedScene
	if autostart:
		start()


func _physics_process(delta: float) -> void:
	if _phase == Phase.PENDING:
		_start_iteration()
		return
	if _phase == Phase.SETTLING:
		_phase = Phase.RUNNING
		iteration_started.emit(iteration)
	# A handler of iteration_started may have reset this node or taken it out of the tree.
	if not is_accepting_outcomes() or not is_inside_tree():
		return
	_ticks += 1
	_elapsed_s = _ticks * delta
	_check_moved_body()
	# The tolerance keeps a 3 s timeout at tick 180 of 1/60 s, not 181.
	if is_accepting_outcomes() and _elapsed_s >= timeout_s - 1e-6:
		track_failure(REASON_FLY_THROUGH if _entered_s >= 0.0 else REASON_TIMEOUT)


## Start the first iteration (called by [method Node._ready] when [member autostart] is on).
##
## The iteration begins on the next physics tick; [signal iteration_started] follows on the
## tick after.
func start() -> void:
	if _phase == Phase.IDLE:
		_begin_iteration()


## Record a success for the current iteration (ignored once an outcome is latched).
func track_success() -> void:
	if _record("success", null):
		scenario_succeeded.emit()


## Record a failure with [param reason] for the current iteration.
func track_failure(reason: String) -> void:
	if _record("failure", reason):
		scenario_failed.emit(reason)


## Record an error (the scenario itself broke) with [param reason].
func track_error(reason: String) -> void:
	if _record("error", reason):
		scenario_failed.emit(reason)


## Restart the current iteration from the scene's initial state on the next physics tick;
## outcomes reported until then are ignored.
func reset() -> void:
	if source_scene == null:
		push_error("benchgen: %s has no source scene to reset from." % name)
		return
	_begin_iteration()


## Return whether an outcome would be recorded now (the agent acted, no outcome yet).
func is_accepting_outcomes() -> bool:
	return _phase == Phase.RUNNING


## Return whether all iterations have run.
func is_complete() -> bool:
	return _phase == Phase.COMPLETE


## Return simulated seconds since the current iteration started.
func get_elapsed_s() -> float:
	return _elapsed_s


## Return the moved object (first body of [member moved_group] under this node), or null.
func get_moved_body() -> RigidBody3D:
	for node: Node in get_tree().get_nodes_in_group(moved_group):
		if node is RigidBody3D and is_ancestor_of(node):
			return node as RigidBody3D
	return null


## Return the first [BenchgenBuildZone] of the scenario, or null.
func get_build_zone() -> BenchgenBuildZone:
	for node: Node in find_children("*", "Area3D", true, false):
		if node is BenchgenBuildZone:
			return node as BenchgenBuildZone
	return null


## Instance [param part_scene] at [param global_xform]; it is removed by the next reset.
func place_part(part_scene: PackedScene, global_xform: Transform3D) -> Node3D:
	var part := part_scene.instantiate() as Node3D
	if part == null:
		push_error("benchgen: %s is not a 3D scene." % part_scene.resource_path)
		return null
	add_child(part)
	part.global_transform = global_xform
	return part


## Build one static body from convex [param shapes] placed at [param xforms].
func place_shapes(
	shapes: Array[Shape3D], xforms: Array[Transform3D], friction: float = 0.8
) -> StaticBody3D:
	var body := StaticBody3D.new()
	body.name = "PlacedPart"
	body.physics_material_override = PhysicsMaterial.new()
	body.physics_material_override.friction = friction
	for i: int in shapes.size():
		var collider := CollisionShape3D.new()
		collider.shape = shapes[i]
		collider.transform = xforms[i] if i < xforms.size() else Transform3D.IDENTITY
		body.add_child(collider)
		var visual := MeshInstance3D.new()
		visual.mesh = shapes[i].get_debug_mesh()
		visual.transform = collider.transform
		body.add_child(visual)
	add_child(body)
	return body


## Return this scenario's results: the scene path, counts and one record per iteration.
func get_results() -> Dictionary:
	var counts := {"success": 0, "failure": 0, "error": 0}
	for record: Dictionary in _records:
		counts[record["outcome"]] += 1
	var path := source_scene.resource_path if source_scene != null else scene_file_path
	return {
		"scene": path,
		"successes": counts["success"],
		"failures": counts["failure"],
		"errors": counts["error"],
		"iterations": _records.duplicate(true),
	}


func _begin_iteration() -> void:
	_elapsed_s = 0.0
	_entered_s = -1.0
	_ticks = 0
	_phase = Phase.PENDING


func _start_iteration() -> void:
	# Content and agent both arrive inside a physics callback, so the step that follows
	# is the content's first, for the first iteration as for every reset. The agent acts
	# one step later: GodotPhysics3D loses most of a push given on the step a box first
	# touches its table (oracle 0 of 4 on bin_drop and push_to_goal), Jolt does not care.
	if source_scene != null:
		_swap_content(source_scene.instantiate())
	elif iteration > 0:
		push_error("benchgen: %s has no source scene to reset from." % name)
	_connect_goals()
	_phase = Phase.SETTLING


func _swap_content(fresh: Node) -> void:
	for child: Node in get_children():
		remove_child(child)
		child.queue_free()
	if fresh_world:
		# Hold the old world until the next swap: freed inside the viewport's setter, it
		# makes the renderer report a null scenario.
		_previous_world = get_viewport().world_3d
		get_viewport().world_3d = World3D.new()
	var owned: Array[Node] = []
	for node: Node in fresh.find_children("*", "", true, true):
		if node.owner == fresh:
			owned.append(node)
			node.owner = null  # else add_child warns that the owner becomes inconsistent
	for child: Node in fresh.get_children():
		fresh.remove_child(child)
		add_child(child)
	for node: Node in owned:
		node.owner = self
	fresh.free()


func _record(outcome: String, reason: Variant) -> bool:
	if not is_accepting_outcomes():
		return false
	_phase = Phase.ENDED
	var entered: Variant = snappedf(_entered_s, 1e-4) if _entered_s >= 0.0 else null
	var won: Variant = snappedf(_elapsed_s, 1e-4) if outcome == "success" else null
	_records.append(
		{
			"outcome": outcome,
			"reason": reason,
			"time_s": snappedf(_elapsed_s, 1e-4),
			"entered_s": entered,
			"won_s": won,
		}
	)
	# Deferred: outcomes often arrive inside a physics callback, where bodies cannot be freed.
	_finish_iteration.call_deferred()
	return true


func _finish_iteration() -> void:
	iteration += 1
	if iteration >= max_iterations:
		_phase = Phase.COMPLETE
		scenario_complete.emit(get_results())
	else:
		_begin_iteration()


func _check_moved_body() -> void:
	var body := get_moved_body()
	if body == null:
		return
	var p := body.global_position
	var extent := maxf(absf(p.x), maxf(absf(p.y), absf(p.z)))
	if not p.is_finite() or extent > INSTABILITY_LIMIT:
		track_failure(REASON_INSTABILITY)
	elif workspace.has_volume() and not workspace.has_point(to_local(p)):
		track_failure(REASON_OUT_OF_BOUNDS)


func _connect_goals() -> void:
	for node: Node in find_children("*", "", true, false):
		if node is BenchgenGoalZone:
			_connect_once((node as BenchgenGoalZone).goal_entered, _on_goal_entered)
			_connect_once((node as BenchgenGoalZone).goal_reached, _on_goal_reached)
		elif node is BenchgenForbidZone:
			_connect_once((node as BenchgenForbidZone).forbidden_entered, _on_forbidden_entered)
		elif node is BenchgenLocationGoal:
			_connect_once((node as BenchgenLocationGoal).location_reached, _on_goal_reached)
		elif node is BenchgenInventoryGoal:
			_connect_once((node as BenchgenInventoryGoal).item_obtained, _on_item_obtained)
		elif node is BenchgenEntityDiedGoal:
			_connect_once((node as BenchgenEntityDiedGoal).entity_died, _on_entity_died)


func _connect_once(sig: Signal, handler: Callable) -> void:
	if not sig.is_connected(handler):
		sig.connect(handler)


func _on_goal_entered(_body: Node3D) -> void:
	if is_accepting_outcomes() and _entered_s < 0.0:
		_entered_s = _elapsed_s


func _on_goal_reached(_body: Node3D) -> void:
	track_success()


func _on_forbidden_entered(_body: Node3D) -> void:
	track_failure(REASON_FORBID)


func _on_item_obtained(_item: StringName) -> void:
	track_success()


func _on_entity_died(_entity: Node) -> void:
	track_success()
