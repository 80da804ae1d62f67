extends RefCounted
## Shared helpers of the benchgen zones (preloaded, no global class name).


## Give [param area] a box of [param size] and a translucent box mesh of [param color].
##
## A zero [param size] keeps the shapes as authored in the scene. New resources are
## created so instances of one prefab do not share (and resize) one shape.
static func apply_size(area: Area3D, size: Vector3, color: Color) -> void:
	if size == Vector3.ZERO:
		return
	for child: Node in area.get_children():
		if child is CollisionShape3D:
			var box := BoxShape3D.new()
			box.size = size
			(child as CollisionShape3D).shape = box
		elif child is MeshInstance3D:
			var mesh := BoxMesh.new()
			mesh.size = size
			mesh.material = translucent(color)
			(child as MeshInstance3D).mesh = mesh


## Return an unshaded translucent material of [param color].
static func translucent(color: Color) -> StandardMaterial3D:
	var material := StandardMaterial3D.new()
	material.albedo_color = color
	material.transparency = BaseMaterial3D.TRANSPARENCY_ALPHA
	material.shading_mode = BaseMaterial3D.SHADING_MODE_UNSHADED
	return material


## Return whether [param point] (global) lies inside a box shape of [param area].
##
## Areas without a box shape count any overlap as inside.
static func contains_point(area: Area3D, point: Vector3) -> bool:
	var has_box := false
	for child: Node in area.get_children():
		var collider := child as CollisionShape3D
		if collider == null or not (collider.shape is BoxShape3D):
			continue
		has_box = true
		var local := collider.global_transform.affine_inverse() * point
		var half := (collider.shape as BoxShape3D).size * 0.5
		if absf(local.x) <= half.x and absf(local.y) <= half.y and absf(local.z) <= half.z:
			return true
	return not has_box


## Return the bodies of [param group] overlapping [param area] that [param reported] does
## not hold yet, and record them there; bodies that left are dropped from it, so a body
## is reported once per entry. With [param centre_inside] the body's centre must be in.
##
## Zones poll this every physics tick instead of waiting for [signal Area3D.body_entered]:
## a body already inside when the scenario starts is then reported too, on every engine.
static func newly_inside(
	area: Area3D, group: StringName, reported: Dictionary, centre_inside: bool = false
) -> Array[Node3D]:
	var inside: Dictionary = {}
	var found: Array[Node3D] = []
	for body: Node3D in area.get_overlapping_bodies():
		if not body.is_in_group(group):
			continue
		if centre_inside and not contains_point(area, body.global_position):
			continue
		var key := body.get_instance_id()
		inside[key] = true
		if not reported.has(key):
			found.append(body)
	reported.clear()
	reported.merge(inside)
	return found
