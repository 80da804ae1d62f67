class_name BenchgenRunArgs
extends RefCounted
## The benchmark runner's user arguments (those after [code]--[/code] on the command line).
##
## Both runners pass them the same way: [code]godot --headless --path . -- ARGS[/code]
## natively, and the [code]args[/code] of the web page's [code]Engine[/code] config.

## Help text printed for [code]--help[/code] and after a bad argument.
const USAGE := """usage: godot --headless --path . -- [options]
  --scenarios=GLOB   scenes to run, matched against res:// paths (default: the benchmark
                     scene's array, else res://scenarios/*/godot/scene.tscn)
  --benchmark=PATH   the benchmark scene whose array is run (default: the project
                     setting benchgen/benchmark/scene, else res://benchmarking/benchmarker.tscn)
  --iterations=N     iterations per scenario (default: each scenario's max_iterations)
  --timeout=S        simulated seconds per iteration (default: each scenario's timeout_s)
  --agent=NAME       null | random | oracle | llm (default: null)
  --seed=N           seed of the random agent (default: 0)
  --config=NAME      llm: the backend's LLM configuration (default: its default)
  --backend=URL      llm: the benchgen backend solving through POST /api/solve
                     (default: http://127.0.0.1:8765)
  --token=TOKEN      llm: the backend's token, when it asks for one
  --speed=X          simulated seconds per real second, same step size (default: 30)
  --shard=I/N        run only every N-th of the selected scenes, from the I-th (0-based):
                     N processes with I = 0..N-1 run them all between them
  --out=PATH         write the results JSON there (user:// or an absolute path)
  --render           keep rendering (off by default: it only costs time)
  --screenshot       render, and print BENCHGEN_SCREENSHOT when the first scene is up
  --tests            run the GDScript tests in res://tests/godot/ first
  --e2e-dock         run the dock's end-to-end test against the backend serving this page
  --help             print this text"""
## Agent names accepted by [code]--agent[/code].
const AGENTS: PackedStringArray = ["null", "random", "oracle", "llm"]

## The [code]--scenarios[/code] glob as a res:// pattern; empty when not given.
var scenarios_glob: String = ""
## The [code]--benchmark[/code] scene; empty for the project's benchmark scene.
var benchmark_scene: String = ""
## Iterations per scenario; 0 keeps each scenario's own.
var iterations: int = 0
## Timeout per iteration in simulated seconds; 0 keeps each scenario's own.
var timeout_s: float = 0.0
## The agent name.
var agent: String = "null"
## Seed of the agent's random numbers.
var rng_seed: int = 0
## The LLM configuration the llm agent asks the backend for; empty for its default.
var config: String = ""
## The backend the llm agent acts through.
var backend_url: String = "http://127.0.0.1:8765"
## The backend's token; empty when it asks for none.
var token: String = ""
## Simulated seconds per real second.
var speed: float = 30.0
## This process runs the selected scenes whose index modulo [member shard_count] is this.
var shard_index: int = 0
## How many processes share the selected scenes (1: this one runs them all).
var shard_count: int = 1
## Where to write the results JSON; empty for nowhere.
var out_path: String = ""
## Keep the render loop on.
var render: bool = false
## Print the screenshot mark when the first scene is up.
var screenshot: bool = false
## Run the GDScript tests.
var tests: bool = false
## Run the dock's end-to-end test (res://tests/godot/e2e_dock.gd) instead of scenarios.
var e2e_dock: bool = false
## Print the usage and exit.
var help: bool = false
## Why the arguments are invalid; empty when they are valid.
var error: String = ""


## Parse [param argv] and return the arguments; check [member error] before using them.
static func parse(argv: PackedStringArray) -> BenchgenRunArgs:
	var args := BenchgenRunArgs.new()
	for arg: String in argv:
		args._take(arg)
		if not args.error.is_empty():
			break
	return args


## Return [param glob] as a res:// pattern ([code]scenarios/*[/code] becomes
## [code]res://scenarios/*[/code]).
static func normalize_glob(glob: String) -> String:
	if glob.begins_with("res://") or glob.begins_with("user://"):
		return glob
	return "res://" + glob.trim_prefix("/")


func _take(arg: String) -> void:
	var key := arg.get_slice("=", 0)
	var value := arg.substr(key.length() + 1) if arg.contains("=") else ""
	match key:
		"--scenarios":
			scenarios_glob = normalize_glob(value) if not value.is_empty() else ""
		"--benchmark":
			benchmark_scene = normalize_glob(value) if not value.is_empty() else ""
		"--iterations":
			iterations = _positive_int(key, value)
		"--timeout":
			timeout_s = _positive_float(key, value)
		"--speed":
			speed = _positive_float(key, value)
		"--shard":
			_take_shard(value)
		"--seed":
			rng_seed = value.to_int() if value.is_valid_int() else _fail_int(key, value)
		"--agent":
			agent = value
			if not AGENTS.has(value):
				error = "--agent=%s is not an agent; use one of %s." % [value, ", ".join(AGENTS)]
		"--out":
			out_path = value
		"--config":
			config = value
		"--backend":
			backend_url = value.trim_suffix("/")
			if not (value.begins_with("http://") or value.begins_with("https://")):
				error = "--backend=%s is not a URL; use e.g. --backend=http://127.0.0.1:8765." % value
		"--token":
			token = value
		"--render":
			render = true
		"--screenshot":
			render = true
			screenshot = true
		"--tests":
			tests = true
		"--e2e-dock":
			e2e_dock = true
		"--help", "-h":
			help = true
		_:
			error = "%s is not an option of the benchmark runner; see --help." % arg


func _take_shard(value: String) -> void:
	var parts := value.split("/")
	var valid := parts.size() == 2 and parts[0].is_valid_int() and parts[1].is_valid_int()
	if valid and parts[1].to_int() >= 1 and parts[0].to_int() in range(parts[1].to_int()):
		shard_index = parts[0].to_int()
		shard_count = parts[1].to_int()
	else:
		error = "--shard=%s needs I/N with 0 <= I < N, e.g. --shard=0/2." % value


func _positive_int(key: String, value: String) -> int:
	if value.is_valid_int() and value.to_int() > 0:
		return value.to_int()
	return _fail_int(key, value)


func _fail_int(key: String, value: String) -> int:
	error = "%s=%s needs a positive whole number, e.g. %s=10." % [key, value, key]
	return 0


func _positive_float(key: String, value: String) -> float:
	if value.is_valid_float() and value.to_float() > 0.0:
		return value.to_float()
	error = "%s=%s needs a positive number, e.g. %s=5." % [key, value, key]
	return 0.0
