class_name BenchgenLocationGoal
extends Area3D
## A place the agent itself must reach (the seed's "move to" goal).

## Emitted once per entry when a body of [member target_group] is in the area.
signal location_reached(body: Node3D)

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Group of the bodies this goal reacts to (the agent prefab joins it).
@export var target_group: StringName = &"benchgen_agent"

var _reported: Dictionary = {}


func _physics_process(_delta: float) -> void:
	for body: Node3D in ZoneBox.newly_inside(self, target_group, _reported):
		location_reached.emit(body)
