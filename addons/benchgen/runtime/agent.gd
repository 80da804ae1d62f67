class_name BenchgenAgent
extends CharacterBody3D
## The simulated character an agent (an LLM or a script) drives in a scenario.
##
## It carries the goal text given to the agent, an inventory, and a small action API:
## [method push] the moved object and [method place] a part. Actions go through the
## scenario's [BenchgenScenarioManager], so placed parts vanish at the next reset.

## Emitted when an item is added to [member inventory].
signal item_added(item: StringName)
## Emitted when the agent dies.
signal died

## The goal in words, sent to the agent.
@export_multiline var goal: String = ""
## Items the agent holds at the start.
@export var inventory: Array[StringName] = []


func _ready() -> void:
	add_to_group(&"benchgen_agent")


## Set the moved object's velocity to [param velocity] (m/s, world frame).
func push(velocity: Vector3) -> Error:
	var manager := get_manager()
	var body := manager.get_moved_body() if manager != null else null
	if body == null:
		push_error("benchgen: %s found no moved object to push." % name)
		return ERR_DOES_NOT_EXIST
	body.linear_velocity = velocity
	return OK


## Place [param part_scene] at [param global_xform]; return the part, or null.
func place(part_scene: PackedScene, global_xform: Transform3D) -> Node3D:
	var manager := get_manager()
	if manager == null:
		push_error("benchgen: %s is not inside a BenchgenScenarioManager." % name)
		return null
	return manager.place_part(part_scene, global_xform)


## Add [param item] to [member inventory].
func add_item(item: StringName) -> void:
	inventory.append(item)
	item_added.emit(item)


## Kill the agent.
func die() -> void:
	died.emit()


## Return the scenario manager this agent belongs to, or null.
func get_manager() -> BenchgenScenarioManager:
	var node := get_parent()
	while node != null and not (node is BenchgenScenarioManager):
		node = node.get_parent()
	return node as BenchgenScenarioManager
