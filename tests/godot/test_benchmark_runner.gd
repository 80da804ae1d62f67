extends "res://tests/godot/test_case.gd"
## The runner end to end on the hand-written fixture: oracle succeeds, null times out.


func test_oracle_reaches_the_goal() -> void:
	var switcher := BenchgenScenarioSwitcher.new()
	add_child(switcher)
	var agent := BenchgenScenarioSwitcher.create_agent("oracle")
	var results := await switcher.run_scenario(load(FIXTURE_PATH) as PackedScene, agent, 2)
	check_eq(results["successes"], 2, "oracle successes")
	check_eq(results["scene"], FIXTURE_PATH, "scene")
	done()


func test_null_agent_times_out() -> void:
	var switcher := BenchgenScenarioSwitcher.new()
	add_child(switcher)
	var agent := BenchgenScenarioSwitcher.create_agent("null")
	var results := await switcher.run_scenario(load(FIXTURE_PATH) as PackedScene, agent, 1, 1.0)
	check_eq(results["failures"], 1, "null failures")
	check_eq(results["iterations"][0]["reason"], "TIMEOUT", "null reason")
	done()


func test_random_agent_runs() -> void:
	var switcher := BenchgenScenarioSwitcher.new()
	add_child(switcher)
	var agent := BenchgenScenarioSwitcher.create_agent("random", 7)
	var results := await switcher.run_scenario(load(FIXTURE_PATH) as PackedScene, agent, 2, 1.0)
	check_eq((results["iterations"] as Array).size(), 2, "random iterations")
	done()


func test_unknown_agent_is_null() -> void:
	check(BenchgenScenarioSwitcher.create_agent("human") == null, "an unknown agent was created")
	done()


func test_iterations_are_deterministic() -> void:
	var switcher := BenchgenScenarioSwitcher.new()
	add_child(switcher)
	var agent := BenchgenScenarioSwitcher.create_agent("oracle")
	var results := await switcher.run_scenario(load(FIXTURE_PATH) as PackedScene, agent, 3)
	var times: Array = []
	for record: Dictionary in results["iterations"]:
		times.append(record["time_s"])
	check(times[0] == times[1] and times[1] == times[2], "times differ: %s" % [times])
	done()


func test_select_scenes_globs_res() -> void:
	var runner := BenchgenBenchmarkRunner.new()
	runner.quit_when_done = false
	var scenes := runner.select_scenes("res://tests/godot/fixtures/*.tscn")
	check_eq(scenes.size(), 1, "fixture scenes found")
	var none := runner.select_scenes("res://nowhere/*.tscn")
	check_eq(none.size(), 0, "scenes for a glob that matches none")
	runner.free()
	done()


func test_report_shape() -> void:
	var report := BenchgenBenchmarkRunner.make_report("null", [])
	check_eq(report.keys(), ["godot_version", "physics_engine", "agent", "scenarios"], "keys")
	var engine: String = ProjectSettings.get_setting("physics/3d/physics_engine", "Default")
	check_eq(report["physics_engine"], engine, "physics engine")
	done()
