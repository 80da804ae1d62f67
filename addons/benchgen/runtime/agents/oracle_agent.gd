extends BenchgenAgentPolicy
## The oracle agent: replays the scenario's [BenchgenReferenceSolution].


func act(manager: BenchgenScenarioManager) -> void:
	var solution := manager.reference_solution
	if solution == null:
		manager.track_error("NO_REFERENCE_SOLUTION")
		return
	for i: int in solution.part_scenes.size():
		var xform := Transform3D.IDENTITY
		if i < solution.part_transforms.size():
			xform = solution.part_transforms[i]
		manager.place_part(solution.part_scenes[i], xform)
	if not solution.piece_shapes.is_empty():
		manager.place_shapes(
			solution.piece_shapes, solution.piece_transforms, solution.piece_friction
		)
	if solution.has_push():
		var body := manager.get_moved_body()
		if body == null:
			manager.track_error("NO_MOVED_OBJECT")
			return
		body.linear_velocity = solution.push_velocity
