class_name BenchgenLocationGoal
extends Area3D
## A place the agent itself must reach (the seed's "move to" goal).

## Emitted when a body of [member target_group] enters the area.
signal location_reached(body: Node3D)

## Group of the bodies this goal reacts to (the agent prefab joins it).
@export var target_group: StringName = &"benchgen_agent"


func _ready() -> void:
	body_entered.connect(_on_body_entered)


func _on_body_entered(body: Node3D) -> void:
	if body.is_in_group(target_group):
		location_reached.emit(body)
