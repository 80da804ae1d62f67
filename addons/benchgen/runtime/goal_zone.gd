class_name BenchgenGoalZone
extends Area3D
## A box the moved object must reach and stay in; emits [signal goal_reached] once it has.
##
## Only bodies in [member target_group] count, so a falling part or the floor never
## triggers it. With [member require_center_inside] the body's centre must be inside the
## box (as the MuJoCo check does), not merely touching it. The success rule is the same as
## MuJoCo's: the centre stays inside for [member dwell_s] seconds of physics time without
## a break; leaving the box starts the count again.

## Emitted when the centre of a body of [member target_group] enters the zone.
signal goal_entered(body: Node3D)
## Emitted once per stay, when a body's centre has been inside for [member dwell_s].
signal goal_reached(body: Node3D)

const ZoneBox := preload("res://addons/benchgen/runtime/_zone_box.gd")

## Group of the bodies this zone reacts to.
@export var target_group: StringName = &"benchgen_moved"
## Require the body's centre inside the box, not just an overlap.
@export var require_center_inside: bool = true
## Seconds the centre must stay inside before [signal goal_reached]; 0 reports at entry.
@export_range(0.0, 60.0, 0.01, "suffix:s") var dwell_s: float = 0.0
## Box size in metres; zero keeps the collision shape as authored.
@export var size: Vector3 = Vector3.ZERO

## Seconds inside so far, by body instance id, for bodies inside now.
var _inside_s: Dictionary = {}
var _reported: Dictionary = {}


func _ready() -> void:
	ZoneBox.apply_size(self, size, Color(0.2, 0.9, 0.3, 0.3))


func _physics_process(delta: float) -> void:
	var inside_now: Dictionary = {}
	for body: Node3D in get_overlapping_bodies():
		if not body.is_in_group(target_group):
			continue
		if require_center_inside and not ZoneBox.contains_point(self, body.global_position):
			continue
		var id := body.get_instance_id()
		inside_now[id] = true
		if not _inside_s.has(id):
			_inside_s[id] = 0.0
			goal_entered.emit(body)
		else:
			_inside_s[id] += delta
		# The tolerance keeps a 0.5 s dwell at tick 30 of 1/60 s, not 31.
		if not _reported.has(id) and _inside_s[id] >= dwell_s - 1e-6:
			_reported[id] = true
			goal_reached.emit(body)
	for id: int in _inside_s.keys():
		if not inside_now.has(id):
			_inside_s.erase(id)
			_reported.erase(id)


## Return the seconds the centre of [param body] has been inside, or -1 when it is outside.
func time_inside(body: Node3D) -> float:
	return _inside_s.get(body.get_instance_id(), -1.0)
