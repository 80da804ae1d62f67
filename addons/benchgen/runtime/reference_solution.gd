class_name BenchgenReferenceSolution
extends Resource
## What a solver is allowed to do to reach the goal: place parts, then push once.
##
## The exporter writes it as a [code].tres[/code] next to the scenario scene; the oracle
## agent replays it. Parts come either as scenes ([member part_scenes] at
## [member part_transforms]) or as convex pieces ([member piece_shapes] at
## [member piece_transforms]) built into one static body. Positions are global, metres,
## Y-up.

## Velocity given to the moved object at t = 0 (m/s); zero means no push.
@export var push_velocity: Vector3 = Vector3.ZERO
## Scenes of parts to place.
@export var part_scenes: Array[PackedScene] = []
## Global transform of each of [member part_scenes].
@export var part_transforms: Array[Transform3D] = []
## Convex collision pieces of the placed parts (box, sphere or convex polygon shapes).
@export var piece_shapes: Array[Shape3D] = []
## Global transform of each of [member piece_shapes].
@export var piece_transforms: Array[Transform3D] = []
## Friction of the pieces' static body.
@export_range(0.0, 3.0) var piece_friction: float = 0.8
## The solution in words.
@export_multiline var description: String = ""


## Return whether the solution pushes the moved object.
func has_push() -> bool:
	return push_velocity != Vector3.ZERO


## Return whether the solution places any part.
func has_parts() -> bool:
	return not part_scenes.is_empty() or not piece_shapes.is_empty()
