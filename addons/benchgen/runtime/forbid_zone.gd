class_name BenchgenForbidZone
extends Area3D
## A box the moved object must not touch; emits [signal forbidden_entered] when it does.
##
## Only bodies in [member target_group] count. Any overlap counts (the seed's check fails
## as soon as any vertex of the object is inside a forbid zone).

## Emitted when a body of [member target_group] enters the zone.
signal forbidden_entered(body: Node3D)

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Group of the bodies this zone reacts to.
@export var target_group: StringName = &"benchgen_moved"
## Box size in metres; zero keeps the collision shape as authored.
@export var size: Vector3 = Vector3.ZERO


func _ready() -> void:
	ZoneBox.apply_size(self, size, Color(0.95, 0.2, 0.2, 0.3))
	body_entered.connect(_on_body_entered)


func _on_body_entered(body: Node3D) -> void:
	if body.is_in_group(target_group):
		forbidden_entered.emit(body)
