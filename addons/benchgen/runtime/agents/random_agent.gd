extends BenchgenAgentPolicy
## The random agent: places the reference parts at random spots in the build zone and
## gives the moved object a random horizontal push.

## Push speed bound when the scenario has no reference push (m/s).
const DEFAULT_MAX_SPEED := 3.0


func act(manager: BenchgenScenarioManager) -> void:
	var solution := manager.reference_solution
	var zone := manager.get_build_zone()
	if solution != null and zone != null:
		for part: PackedScene in solution.part_scenes:
			manager.place_part(part, _random_xform(zone))
		if not solution.piece_shapes.is_empty():
			var xforms: Array[Transform3D] = []
			for i: int in solution.piece_shapes.size():
				xforms.append(_random_xform(zone))
			manager.place_shapes(solution.piece_shapes, xforms, solution.piece_friction)
	var body := manager.get_moved_body()
	if body == null:
		return
	var max_speed := DEFAULT_MAX_SPEED
	if solution != null and solution.has_push():
		max_speed = 2.0 * solution.push_velocity.length()
	var angle := rng.randf() * TAU
	body.linear_velocity = Vector3(cos(angle), 0.0, sin(angle)) * rng.randf() * max_speed


func _random_xform(zone: BenchgenBuildZone) -> Transform3D:
	var basis := Basis(Vector3.UP, rng.randf() * TAU)
	return Transform3D(basis, zone.random_point(rng))
