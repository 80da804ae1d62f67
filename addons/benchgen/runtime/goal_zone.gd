class_name BenchgenGoalZone
extends Area3D
## A box the moved object must reach; emits [signal goal_reached] when it does.
##
## Only bodies in [member target_group] count, so a falling part or the floor never
## triggers it. With [member require_center_inside] the body's centre must be inside the
## box (as the MuJoCo check does), not merely touching it.

## Emitted once per entry when a body of [member target_group] reaches the goal.
signal goal_reached(body: Node3D)

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Group of the bodies this zone reacts to.
@export var target_group: StringName = &"benchgen_moved"
## Require the body's centre inside the box, not just an overlap.
@export var require_center_inside: bool = true
## Box size in metres; zero keeps the collision shape as authored.
@export var size: Vector3 = Vector3.ZERO

var _reported: Dictionary = {}


func _ready() -> void:
	ZoneBox.apply_size(self, size, Color(0.2, 0.9, 0.3, 0.3))
	body_exited.connect(_on_body_exited)


func _physics_process(_delta: float) -> void:
	for body: Node3D in get_overlapping_bodies():
		if _reported.has(body.get_instance_id()) or not body.is_in_group(target_group):
			continue
		if require_center_inside and not ZoneBox.contains_point(self, body.global_position):
			continue
		_reported[body.get_instance_id()] = true
		goal_reached.emit(body)


func _on_body_exited(body: Node3D) -> void:
	_reported.erase(body.get_instance_id())
