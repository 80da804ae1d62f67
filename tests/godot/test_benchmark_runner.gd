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


func test_shards_split_the_scenes_and_cover_them_once() -> void:
	var scenes: Array[PackedScene] = []
	for i: int in range(5):
		scenes.append(PackedScene.new())
	var seen: Array[PackedScene] = []
	for index: int in range(3):
		var shard := BenchgenBenchmarkRunner.shard_of(scenes, index, 3)
		check_eq(shard.size(), 2 if index < 2 else 1, "shard %d size" % index)
		seen.append_array(shard)
	check_eq(seen.size(), 5, "every scene once")
	for scene: PackedScene in scenes:
		check(seen.has(scene), "a scene in no shard")
	check_eq(BenchgenBenchmarkRunner.shard_of(scenes, 0, 1), scenes, "one shard: all")
	done()


func test_random_draws_do_not_depend_on_the_scenes_run_before() -> void:
	var fixture := load(FIXTURE_PATH) as PackedScene
	var switcher := BenchgenScenarioSwitcher.new()
	add_child(switcher)
	var alone := await switcher.run(
		[fixture] as Array[PackedScene], BenchgenScenarioSwitcher.create_agent("random", 7), 1, 1.0
	)
	var after := await switcher.run(
		[fixture, fixture] as Array[PackedScene],
		BenchgenScenarioSwitcher.create_agent("random", 7),
		1,
		1.0
	)
	check_eq(after[1]["iterations"], alone[0]["iterations"], "the second run of the scene")
	done()
