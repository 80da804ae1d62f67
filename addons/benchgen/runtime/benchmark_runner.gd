class_name BenchgenBenchmarkRunner
extends Node
## Root of the benchmark scene: runs the selected scenarios and reports their results.
##
## The addon ships a scene with this root, [constant RUNNER_SCENE], so a project runs its
## benchmark without changing its main scene:
## [code]godot --headless --path . res://addons/benchgen/runtime/runner.tscn -- ARGS[/code].
## Its scenarios are those of [member scenarios], else those of the benchmark scene (the
## [constant BENCHMARK_SETTING] project setting, or [code]--benchmark[/code]), filtered by
## [code]--scenarios[/code]. What to run comes from user arguments (see
## [constant BenchgenRunArgs.USAGE]), because web export templates refuse a scene path on
## the command line (the web runtime makes the runner the main scene). Results go to
## [code]--out[/code] as JSON, to the console as a table, and to one console line
## starting with [constant RESULTS_PREFIX] that a host process can capture. The exit code
## is 0 when the run completed (agent failures are results, not errors).

## Emitted with the full report when the run is over.
signal benchmark_finished(report: Dictionary)

## Prefix of the one-line JSON report.
const RESULTS_PREFIX := "BENCHGEN_RESULTS "
## Physics steps per simulated second, at least. At 60 a 1.6 cm ball at 2.6 m/s moves
## 4.3 cm per step, and on Jolt it missed the jump off a 3 mm ramp that MuJoCo (2 ms
## steps) makes: ramp_jump-000008 failed at 60 and succeeds at 240.
const MIN_TICKS := 240
## Printed when the first scene is worth a screenshot.
const SCREENSHOT_MARK := "BENCHGEN_SCREENSHOT"
## Real seconds the first scene is held still for a screenshot.
const SCREENSHOT_HOLD_S := 1.5
## Frames rendered before the screenshot mark is printed.
const SCREENSHOT_FRAMES := 5
## Scenes run when neither the array nor a glob selects any.
const DEFAULT_GLOB := "res://scenarios/*/godot/scene.tscn"
## The runner scene shipped with the addon.
const RUNNER_SCENE := "res://addons/benchgen/runtime/runner.tscn"
## ProjectSettings key of the benchmark scene (the one holding the scenario array).
const BENCHMARK_SETTING := "benchgen/benchmark/scene"
## The benchmark scene when the setting is absent.
const DEFAULT_BENCHMARK_SCENE := "res://benchmarking/benchmarker.tscn"
## The property of a benchmark scene's root that holds its scenarios.
const SCENARIOS_PROPERTY := &"scenarios"
## The GDScript test harness run by [code]--tests[/code].
const TEST_RUNNER_PATH := "res://tests/godot/test_runner.gd"
## The dock's end-to-end test run by [code]--e2e-dock[/code].
const E2E_DOCK_PATH := "res://tests/godot/e2e_dock.gd"
## Exit codes.
const EXIT_OK := 0
const EXIT_TESTS_FAILED := 1
const EXIT_BAD_ARGS := 2
const EXIT_NO_SCENARIOS := 3
const EXIT_WRITE_FAILED := 4
const EXIT_SCENARIO_BROKEN := 5

## Scenario scenes to run, in order; [code]--scenarios[/code] filters them by path.
@export var scenarios: Array[PackedScene] = []
## Quit with the exit code when the run is over.
@export var quit_when_done: bool = true


func _ready() -> void:
	var code: int = await run(OS.get_cmdline_user_args())
	if quit_when_done:
		get_tree().quit(code)


## Run what [param argv] asks for and return the exit code.
func run(argv: PackedStringArray) -> int:
	var args := BenchgenRunArgs.parse(argv)
	if args.help:
		print(BenchgenRunArgs.USAGE)
		return EXIT_OK
	if not args.error.is_empty():
		push_error("benchgen: " + args.error)
		print(BenchgenRunArgs.USAGE)
		return EXIT_BAD_ARGS
	if args.e2e_dock:
		return await _run_harness(E2E_DOCK_PATH, "run", [args.screenshot])
	configure_engine(args.speed, args.render)
	var code := EXIT_OK
	if args.tests:
		code = await _run_tests()
		if args.scenarios_glob.is_empty():
			return code
	var scenes := select_scenes(args.scenarios_glob, args.benchmark_scene)
	if scenes.is_empty():
		var glob := args.scenarios_glob if not args.scenarios_glob.is_empty() else DEFAULT_GLOB
		push_error("benchgen: no scenario scene matches %s." % glob)
		return EXIT_NO_SCENARIOS
	scenes = shard_of(scenes, args.shard_index, args.shard_count)
	var report := await run_scenes(scenes, args)
	print_table(report)
	print(RESULTS_PREFIX + JSON.stringify(report, "", false))
	if not args.out_path.is_empty() and write_report(report, args.out_path) != OK:
		code = maxi(code, EXIT_WRITE_FAILED)
	for entry: Dictionary in report["scenarios"]:
		for record: Dictionary in entry["iterations"]:
			if record["reason"] == "NOT_A_SCENARIO":
				code = maxi(code, EXIT_SCENARIO_BROKEN)
	benchmark_finished.emit(report)
	return code


## Run [param scenes] as [param args] say and return the report.
func run_scenes(scenes: Array[PackedScene], args: BenchgenRunArgs) -> Dictionary:
	var switcher := get_node_or_null("/root/BenchgenSwitcher") as BenchgenScenarioSwitcher
	if switcher == null:
		switcher = BenchgenScenarioSwitcher.new()
		add_child(switcher)
	if args.screenshot:
		switcher.scenario_started.connect(_announce_screenshot, CONNECT_ONE_SHOT)
	var agent := BenchgenScenarioSwitcher.create_agent(args.agent, args.rng_seed)
	agent.configure(args)
	var results: Array[Dictionary] = await switcher.run(
		scenes, agent, args.iterations, args.timeout_s
	)
	var report := make_report(args.agent, results)
	agent.finish(report)
	return report


## Return the scenes to run: [member scenarios] (or, when empty, the array of the benchmark
## scene [param benchmark], default [method benchmark_scene_path]) filtered by
## [param glob], else every scene under res:// matching [param glob] (or
## [constant DEFAULT_GLOB]).
func select_scenes(glob: String, benchmark: String = "") -> Array[PackedScene]:
	var chosen: Array[PackedScene] = []
	var listed := scenarios
	if listed.is_empty():
		listed = read_benchmark_array(
			benchmark if not benchmark.is_empty() else benchmark_scene_path()
		)
	for scene: PackedScene in listed:
		if scene != null and (glob.is_empty() or scene.resource_path.match(glob)):
			chosen.append(scene)
	if not chosen.is_empty():
		return chosen
	var paths := PackedStringArray()
	_find_scenes("res://", glob if not glob.is_empty() else DEFAULT_GLOB, paths)
	paths.sort()
	for path: String in paths:
		var scene := load(path) as PackedScene
		if scene != null:
			chosen.append(scene)
	return chosen


## Return the scenes of shard [param index] of [param count]: those whose position in
## [param scenes] modulo [param count] is [param index] (a process of
## [code]benchgen godot run --processes[/code] runs one shard).
static func shard_of(scenes: Array[PackedScene], index: int, count: int) -> Array[PackedScene]:
	var chosen: Array[PackedScene] = []
	for i: int in range(index, scenes.size(), maxi(1, count)):
		chosen.append(scenes[i])
	return chosen


## Return the benchmark scene of this project: the [constant BENCHMARK_SETTING] setting, else
## [constant DEFAULT_BENCHMARK_SCENE].
static func benchmark_scene_path() -> String:
	var path: String = ProjectSettings.get_setting(BENCHMARK_SETTING, DEFAULT_BENCHMARK_SCENE)
	return path.strip_edges() if not path.strip_edges().is_empty() else DEFAULT_BENCHMARK_SCENE


## Return the scenario array saved in the benchmark scene at [param path], read from the
## scene's state without instancing it; empty when the file is missing or its root has no
## [constant SCENARIOS_PROPERTY] array (see [method describe_benchmark_scene]).
static func read_benchmark_array(path: String) -> Array[PackedScene]:
	var found: Array[PackedScene] = []
	if not ResourceLoader.exists(path, "PackedScene"):
		return found
	var packed := load(path) as PackedScene
	var value: Variant = _root_property(packed, SCENARIOS_PROPERTY) if packed != null else null
	if value is Array:
		for item: Variant in value:
			if item is PackedScene:
				found.append(item as PackedScene)
	return found


## Return why the scene at [param path] cannot be a benchmark scene, or an empty string
## when it can: it exists and its root carries a [BenchgenBenchmarkRunner] script (whose
## [member scenarios] holds the array). A missing file is fine: it can be created.
static func describe_benchmark_scene(path: String) -> String:
	if not path.begins_with("res://") or not path.ends_with(".tscn"):
		return "%s is not a res:// .tscn path" % path
	if not FileAccess.file_exists(path):
		return ""
	var packed := load(path) as PackedScene
	if packed == null:
		return "%s does not load as a scene" % path
	var script := _root_property(packed, &"script") as Script
	while script != null and script != BenchgenBenchmarkRunner:
		script = script.get_base_script()
	if script == null:
		var state := packed.get_state()
		return (
			"%s is not a benchgen benchmark scene (its root %s has no BenchgenBenchmarkRunner script)"
			% [path, state.get_node_type(0) if state.get_node_count() > 0 else "?"]
		)
	return ""


## Set the physics rate so [param speed] simulated seconds pass per real second with an
## unchanged step (the project's, at least 1/[constant MIN_TICKS] s simulated), and switch
## rendering on or off.
static func configure_engine(speed: float, render: bool) -> void:
	var base_ticks: int = maxi(
		MIN_TICKS, ProjectSettings.get_setting("physics/common/physics_ticks_per_second", 60)
	)
	Engine.time_scale = speed
	Engine.physics_ticks_per_second = roundi(base_ticks * speed)
	Engine.max_physics_steps_per_frame = maxi(8, ceili(speed) + 2)
	RenderingServer.render_loop_enabled = render


## Return the results report of [param agent_name] over [param results].
static func make_report(agent_name: String, results: Array[Dictionary]) -> Dictionary:
	return {
		"godot_version": Engine.get_version_info()["string"],
		"physics_engine": ProjectSettings.get_setting("physics/3d/physics_engine", "Default"),
		"agent": agent_name,
		"scenarios": results,
	}


## Print [param report] as a table, one row per scenario.
static func print_table(report: Dictionary) -> void:
	print("%-64s %9s %9s %7s %9s" % ["scene", "successes", "failures", "errors", "mean t/s"])
	for entry: Dictionary in report["scenarios"]:
		var total := 0.0
		for record: Dictionary in entry["iterations"]:
			total += float(record["time_s"])
		var count: int = maxi(1, (entry["iterations"] as Array).size())
		print(
			(
				"%-64s %9d %9d %7d %9.2f"
				% [
					entry["scene"],
					entry["successes"],
					entry["failures"],
					entry["errors"],
					total / count
				]
			)
		)
	print(
		(
			"agent=%s godot=%s physics=%s"
			% [report["agent"], report["godot_version"], report["physics_engine"]]
		)
	)


## Write [param report] as JSON to [param path] (user:// or absolute) and return the error.
static func write_report(report: Dictionary, path: String) -> Error:
	var dir_err := DirAccess.make_dir_recursive_absolute(path.get_base_dir())
	if dir_err != OK and dir_err != ERR_ALREADY_EXISTS:
		push_error("benchgen: cannot create %s: %s" % [path.get_base_dir(), error_string(dir_err)])
		return dir_err
	var file := FileAccess.open(path, FileAccess.WRITE)
	if file == null:
		var err := FileAccess.get_open_error()
		push_error("benchgen: cannot write %s: %s" % [path, error_string(err)])
		return err
	file.store_string(JSON.stringify(report, "  ", false) + "\n")
	return OK


static func _root_property(packed: PackedScene, property: StringName) -> Variant:
	var state := packed.get_state()
	if state.get_node_count() == 0:
		return null
	for i: int in state.get_node_property_count(0):
		if state.get_node_property_name(0, i) == property:
			return state.get_node_property_value(0, i)
	return null


func _run_tests() -> int:
	var failed: int = await _run_harness(TEST_RUNNER_PATH, "run_all", [])
	return EXIT_OK if failed == 0 else EXIT_TESTS_FAILED


func _run_harness(path: String, method: StringName, call_args: Array) -> int:
	if not ResourceLoader.exists(path):
		push_error("benchgen: this option needs %s, which is not in this project." % path)
		return EXIT_TESTS_FAILED
	var harness: Node = (load(path) as GDScript).new()
	add_child(harness)
	var result: int = await harness.callv(method, call_args)
	harness.queue_free()
	return result


func _announce_screenshot(_manager: BenchgenScenarioManager) -> void:
	# Hold the first scene at its initial state (paused, still rendering) while the host
	# takes its picture; pausing before the first physics tick keeps the run unchanged.
	get_tree().paused = true
	for i: int in SCREENSHOT_FRAMES:
		await get_tree().process_frame
	print(SCREENSHOT_MARK)
	await get_tree().create_timer(SCREENSHOT_HOLD_S, true, false, true).timeout
	get_tree().paused = false


func _find_scenes(folder: String, glob: String, found: PackedStringArray) -> void:
	for dir_name: String in DirAccess.get_directories_at(folder):
		if not dir_name.begins_with(".") and dir_name != "addons":
			_find_scenes(folder.path_join(dir_name), glob, found)
	for file_name: String in DirAccess.get_files_at(folder):
		var path := folder.path_join(file_name)
		if file_name.ends_with(".tscn") and path.match(glob):
			found.append(path)
