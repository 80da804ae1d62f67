class_name BenchgenForbidZone
extends Area3D
## A box the moved object must not touch; emits [signal forbidden_entered] when it does.
##
## Only bodies in [member target_group] count. Any overlap counts (the seed's check fails
## as soon as any vertex of the object is inside a forbid zone).

## Emitted once per entry when a body of [member target_group] touches the zone.
signal forbidden_entered(body: Node3D)

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Group of the bodies this zone reacts to.
@export var target_group: StringName = &"benchgen_moved"
## Box size in metres; zero keeps the collision shape as authored.
@export var size: Vector3 = Vector3.ZERO

var _reported: Dictionary = {}


func _ready() -> void:
	ZoneBox.apply_size(self, size, Color(0.95, 0.2, 0.2, 0.3))


func _physics_process(_delta: float) -> void:
	for body: Node3D in ZoneBox.newly_inside(self, target_group, _reported):
		forbidden_entered.emit(body)
