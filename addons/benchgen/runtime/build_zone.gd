class_name BenchgenBuildZone
extends Area3D
## The box a solver may place parts in; it detects nothing.

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Box size in metres; zero keeps the collision shape as authored.
@export var size: Vector3 = Vector3.ZERO


func _ready() -> void:
	monitoring = false
	monitorable = false
	ZoneBox.apply_size(self, size, Color(0.2, 0.4, 0.95, 0.2))


## Return whether [param point] (global) lies inside the zone.
func contains_point(point: Vector3) -> bool:
	return ZoneBox.contains_point(self, point)


## Return the zone as a global axis-aligned box (its first box shape).
func get_box() -> AABB:
	for child: Node in get_children():
		var collider := child as CollisionShape3D
		if collider != null and collider.shape is BoxShape3D:
			var extent := (collider.shape as BoxShape3D).size
			return collider.global_transform * AABB(-extent * 0.5, extent)
	return AABB(global_position, Vector3.ZERO)


## Return a random global point inside the zone drawn from [param rng].
func random_point(rng: RandomNumberGenerator) -> Vector3:
	var box := get_box()
	return (
		box.position
		+ Vector3(rng.randf() * box.size.x, rng.randf() * box.size.y, rng.randf() * box.size.z)
	)
