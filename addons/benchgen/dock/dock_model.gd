class_name BenchgenDockModel
extends Node
## What the benchgen dock does, without any UI or editor API: generate, watch a job,
## show its scenarios, add them to the benchmark and run it.
##
## The dock ([code]dock.gd[/code]) is a thin view over this node; tests drive it directly.
## The flow is a small state machine ([enum State]): [method generate] posts a job and
## polls it until it ends ([method apply_job] does each transition), [method add_to_benchmark]
## puts the promoted scenes in the benchmark scene, [method run_benchmark] runs it and polls
## the run ([method apply_benchmark]). Every failure is reported with
## [signal error_reported] (the dock shows it) and kept in [member last_error].

## Emitted when [member state] changes.
signal state_changed(state: State)
## Emitted after a health check; [param message] says what was found.
signal health_changed(ok: bool, message: String)
## Emitted when the families (and their parameter schemas) arrived.
signal families_changed(names: PackedStringArray)
## Emitted with each new status of the generation job (the [code]GET /api/jobs/{id}[/code] body).
signal job_changed(job: Dictionary)
## Emitted when a scenario's thumbnail arrived (while its job runs, once its verdict and
## thumbnail are published; the full renders follow).
signal thumbnail_loaded(scenario_id: String, texture: Texture2D)
## Emitted with the benchmark scene's scenario array after scenes were added.
signal benchmark_scenes_changed(scenes: PackedStringArray)
## Emitted with each new status of the benchmark run.
signal benchmark_changed(run: Dictionary)
## Emitted with a sentence when anything failed.
signal error_reported(message: String)
## Emitted when the agents a benchmark run can use arrived ([member agent_choices]).
signal agents_changed(choices: Array[Dictionary])

## Where the dock is in its flow.
enum State {
	IDLE,  ## Nothing generated yet (or the last job failed).
	GENERATING,  ## A generation job runs.
	GENERATED,  ## The job is over; its scenarios are listed.
	ADDING,  ## The scenarios are being added to the benchmark scene.
	ADDED,  ## The benchmark scene holds them.
	BENCHMARKING,  ## A benchmark run is going on.
	BENCHMARKED,  ## The run is over; results are in [member benchmark_run].
}

## Job states after which a job changes no more.
const FINAL_STATES: PackedStringArray = ["done", "failed", "cancelled"]
## Field types [method fields_from_schema] builds.
const FIELD_TYPES: PackedStringArray = ["number", "integer", "boolean", "enum"]

## The HTTP client; made in [method _ready] when not set before.
var client: BenchgenBackendClient
## Seconds between two polls of a job or run.
var poll_interval_s: float = 0.5
## Give up polling after this many seconds.
var poll_timeout_s: float = 900.0
## The current state.
var state: State = State.IDLE
## The last health check succeeded.
var healthy: bool = false
## The backend says free-text requests can run (an LLM is configured).
var llm_configured: bool = false
## Families by name: [code]{"description": String, "params_schema": Dictionary}[/code].
var families: Dictionary = {}
## The id of the current generation job; empty when none.
var job_id: String = ""
## The latest status of the generation job.
var job: Dictionary = {}
## Scenario details ([code]GET /api/scenarios/{id}[/code]) by id.
var details: Dictionary = {}
## The benchmark scene's scenario array after the last add.
var benchmark_scenes: PackedStringArray = []
## The id of the current benchmark run; empty when none.
var run_id: String = ""
## The latest status of the benchmark run.
var benchmark_run: Dictionary = {}
## The last error sentence; empty after a success.
var last_error: String = ""
## Agents for benchmark runs: Godot's baselines, then one per LLM configuration of the
## backend, each [code]{"label", "agent", "config"}[/code] (see [method agent_choices_of]).
var agent_choices: Array[Dictionary] = agent_choices_of(PackedStringArray())

var _poll_timer: Timer
var _closing: bool = false

## Scenario ids whose details and thumbnail were asked for: [code]true[/code] once they
## arrived (or failed), [code]false[/code] while the request is out.
var _thumbnails_asked: Dictionary = {}


func _ready() -> void:
	# A Timer child, not awaited SceneTreeTimers, so a poll never outlives the model.
	_poll_timer = Timer.new()
	_poll_timer.name = "PollTimer"
	_poll_timer.one_shot = true
	_poll_timer.ignore_time_scale = true
	_poll_timer.process_mode = Node.PROCESS_MODE_ALWAYS
	add_child(_poll_timer)
	if client == null:
		client = BenchgenBackendClient.new()
		client.name = "BackendClient"
		add_child(client)


func _enter_tree() -> void:
	_closing = false


func _exit_tree() -> void:
	# End a poll waiting on the timer, which goes away with this node (see the client).
	_closing = true
	if not _poll_timer.is_stopped():
		_poll_timer.stop()
		_poll_timer.timeout.emit()


## Return the parameter fields of a family's JSON schema, in schema order: each a
## Dictionary with [code]name, label, type[/code] (one of [constant FIELD_TYPES]),
## [code]min, max, step, default, description[/code] and, for enums, [code]options[/code].
## Properties of other types are skipped (the backend has no widget-free way to take them).
static func fields_from_schema(schema: Dictionary) -> Array[Dictionary]:
	var fields: Array[Dictionary] = []
	var properties: Dictionary = schema.get("properties", {})
	for key: String in properties:
		var prop: Dictionary = properties[key]
		var field := _field(key, prop)
		if not field.is_empty():
			fields.append(field)
	return fields


## Return the body of [code]POST /api/jobs[/code] for a family; only the [param params]
## given are fixed, the others stay randomized by the seed.
static func job_request(
	family: String, count: int, first_seed: int, params: Dictionary, renders: bool
) -> Dictionary:
	var body := {
		"family": family, "count": count, "seed": first_seed, "renders": renders, "godot": true
	}
	if not params.is_empty():
		body["params"] = params
	return body


## Return one row per scenario of [param status]: [code]id, stage, status, reasons[/code]
## (reasons joined with ", ").
static func job_rows(status: Dictionary) -> Array[Dictionary]:
	var rows: Array[Dictionary] = []
	for scenario: Dictionary in status.get("scenarios", []):
		var reasons := PackedStringArray()
		for reason: Variant in scenario.get("reasons", []):
			reasons.append(str(reason))
		(
			rows
			. append(
				{
					"id": str(scenario.get("id", "")),
					"stage": str(scenario.get("stage", "")),
					"status": str(scenario.get("status", "")),
					"reasons": ", ".join(reasons),
				}
			)
		)
	return rows


## Return the fraction of [param status] done, between 0 and 1.
static func progress_fraction(status: Dictionary) -> float:
	var progress: Dictionary = status.get("progress", {})
	var total := float(progress.get("total", 0))
	return clampf(float(progress.get("done", 0)) / total, 0.0, 1.0) if total > 0.0 else 0.0


## Return the results table of a benchmark run's [code]results[/code]: one row per scene
## with [code]scene, name, successes, failures, errors, mean_time_s[/code].
static func result_rows(results: Variant) -> Array[Dictionary]:
	var rows: Array[Dictionary] = []
	if not results is Dictionary:
		return rows
	var report: Variant = (results as Dictionary).get("report")
	if not report is Dictionary:
		return rows
	for entry: Dictionary in (report as Dictionary).get("scenarios", []):
		var iterations: Array = entry.get("iterations", [])
		var total := 0.0
		for record: Dictionary in iterations:
			total += float(record.get("time_s", 0.0))
		var scene := str(entry.get("scene", ""))
		(
			rows
			. append(
				{
					"scene": scene,
					"name": _scene_name(scene),
					"successes": int(entry.get("successes", 0)),
					"failures": int(entry.get("failures", 0)),
					"errors": int(entry.get("errors", 0)),
					"mean_time_s": total / maxi(1, iterations.size()),
				}
			)
		)
	return rows


## Return the agent choices for the LLM configurations [param llms]: the baselines first
## (every agent of [code]BenchgenRunArgs.AGENTS[/code] but [code]llm[/code]), then
## [code]llm: NAME[/code] for each configuration.
static func agent_choices_of(llms: PackedStringArray) -> Array[Dictionary]:
	var choices: Array[Dictionary] = []
	for agent: String in BenchgenRunArgs.AGENTS:
		if agent != "llm":
			choices.append({"label": agent, "agent": agent, "config": ""})
	for config: String in llms:
		choices.append({"label": "llm: " + config, "agent": "llm", "config": config})
	return choices


## Return the line that says how often MuJoCo and Godot agreed in a run's
## [code]results[/code] (LLM runs record both engines' outcome of every attempt), or "".
static func agreement_text(results: Variant) -> String:
	var report: Variant = results.get("report") if results is Dictionary else null
	var agreement: Variant = report.get("agreement") if report is Dictionary else null
	if not agreement is Dictionary:
		return ""
	return (
		"MuJoCo and Godot agreed on %d of %d simulated attempts"
		% [int(agreement.get("same_outcome", 0)), int(agreement.get("compared", 0))]
	)


## Return True while a request of the flow is in progress.
func is_busy() -> bool:
	return state in [State.GENERATING, State.ADDING, State.BENCHMARKING]


## Return the ids of the promoted scenarios of the current job.
func promoted_ids() -> PackedStringArray:
	var ids := PackedStringArray()
	for scenario: Dictionary in job.get("scenarios", []):
		if scenario.get("status") == "promoted":
			ids.append(str(scenario.get("id")))
	return ids


## Return the res:// scene paths of the promoted scenarios whose details arrived.
func scene_paths() -> PackedStringArray:
	var paths := PackedStringArray()
	for id: String in promoted_ids():
		var detail: Dictionary = details.get(id, {})
		if detail.get("scene_path") is String:
			paths.append(detail["scene_path"])
	return paths


## Check the backend's health; return True when it answered.
func check_health() -> bool:
	var response := await client.get_json("/api/health")
	healthy = response.ok and response.data is Dictionary
	if healthy:
		var data: Dictionary = response.data
		llm_configured = bool(data.get("llm_configured", false))
		var message := (
			"up (%s), %d job(s) running at %s"
			% [data.get("version", "?"), int(data.get("jobs_running", 0)), client.base_url]
		)
		health_changed.emit(true, message)
	else:
		llm_configured = false
		health_changed.emit(false, response.error)
	return healthy


## Load the families and their parameter schemas; return True on success.
func load_families() -> bool:
	var response := await client.get_json("/api/families")
	if not _succeeded(response):
		return false
	families.clear()
	for family: Dictionary in response.data:
		families[family["name"]] = {
			"description": family.get("description", ""),
			"params_schema": family.get("params_schema", {}),
		}
	families_changed.emit(PackedStringArray(families.keys()))
	return true


## Load the agents the backend offers (its LLM configurations); return True on success.
func load_agents() -> bool:
	var response := await client.get_json("/api/agents")
	if not _succeeded(response):
		return false
	agent_choices = agent_choices_of(PackedStringArray((response.data as Dictionary)["llms"]))
	agents_changed.emit(agent_choices)
	return true


## Check health, then load the families and the agents; return True when all worked.
func refresh() -> bool:
	if not await check_health():
		return false
	return await load_families() and await load_agents()


## Generate [param count] scenarios of [param family] from [param first_seed] and poll the
## job to its end; return True when it finished [code]done[/code].
func generate(
	family: String, count: int, first_seed: int, params: Dictionary = {}, renders: bool = true
) -> bool:
	return await _start_job(job_request(family, count, first_seed, params, renders))


## Generate from free text (needs an LLM on the backend) and poll the job to its end.
func generate_from_text(request: String) -> bool:
	if not llm_configured:
		_fail("free-text requests need an LLM, and the backend has none configured")
		return false
	return await _start_job({"request": request})


## Ask the backend to cancel the current job.
func cancel_job() -> bool:
	if job_id.is_empty():
		return false
	return _succeeded(await client.delete_json("/api/jobs/" + job_id))


## Take a new job status: update [member job] and, once it ended, the [member state].
func apply_job(status: Dictionary) -> void:
	job = status
	job_changed.emit(status)
	_load_new_thumbnails(status)
	var job_state := str(status.get("state", ""))
	if not FINAL_STATES.has(job_state):
		return
	if job_state == "done":
		_set_state(State.GENERATED)
		if promoted_ids().is_empty():
			_fail("the job finished without a promoted scenario; see the reasons in the list")
	else:
		_set_state(State.IDLE)
		var why := str(status.get("error", ""))
		_fail("the job %s%s" % [job_state, ": " + why if not why.is_empty() else ""])


## Fetch the details of the promoted scenarios (again: their renders are complete now)
## and the thumbnails not loaded while the job ran; return how many arrived in this call.
func load_details() -> int:
	while _thumbnails_asked.values().has(false) and not _closing:  # those still on their way
		await get_tree().process_frame
	var thumbnails := 0
	for id: String in promoted_ids():
		var response := await client.get_json("/api/scenarios/" + id)
		if not _succeeded(response):
			continue
		details[id] = response.data
		if _thumbnails_asked.has(id):
			continue
		_thumbnails_asked[id] = true
		var url: Variant = (response.data as Dictionary).get("thumbnail_url")
		if url is String and await _load_thumbnail(id, url):
			thumbnails += 1
	return thumbnails


## Add the promoted scenarios to the benchmark scene through the backend; with
## [param replace] the array holds exactly them. Return True on success.
func add_to_benchmark(replace: bool = false) -> bool:
	var ids := promoted_ids()
	if ids.is_empty():
		_fail("no promoted scenario to add; generate some first")
		return false
	var previous := state
	_set_state(State.ADDING)
	var body := {"scenario_ids": Array(ids), "replace": replace}
	var response := await client.post_json("/api/benchmark/scenarios", body)
	if not _succeeded(response):
		_set_state(previous)
		return false
	mark_added(PackedStringArray((response.data as Dictionary).get("scenarios", [])))
	return true


## Record that the benchmark scene now holds [param scenes] (also after an editor edit).
func mark_added(scenes: PackedStringArray) -> void:
	benchmark_scenes = scenes
	benchmark_scenes_changed.emit(scenes)
	_set_state(State.ADDED)


## Run the benchmark scene on the backend and poll the run to its end; return True when it
## finished [code]done[/code].
func run_benchmark(
	agent: String = "null", iterations: int = 0, timeout_s: float = 0.0, config: String = ""
) -> bool:
	var body := {"agent": agent}
	if not config.is_empty():
		body["config"] = config
	if iterations > 0:
		body["iterations"] = iterations
	if timeout_s > 0.0:
		body["timeout_s"] = timeout_s
	var previous := state
	_set_state(State.BENCHMARKING)
	var response := await client.post_json("/api/benchmark/runs", body)
	if not _succeeded(response):
		_set_state(previous)
		return false
	run_id = str((response.data as Dictionary).get("id", ""))
	benchmark_run = {}
	return await _poll("/api/benchmark/runs/" + run_id, apply_benchmark, previous)


## Take a new benchmark run status: update [member benchmark_run] and, once it ended,
## the [member state].
func apply_benchmark(run: Dictionary) -> void:
	benchmark_run = run
	benchmark_changed.emit(run)
	var run_state := str(run.get("state", ""))
	if not FINAL_STATES.has(run_state):
		return
	_set_state(State.BENCHMARKED if run_state == "done" else State.ADDED)
	if run_state != "done":
		var why := str(run.get("error", ""))
		_fail("the benchmark run %s%s" % [run_state, ": " + why if not why.is_empty() else ""])


static func _field(key: String, prop: Dictionary) -> Dictionary:
	var type := str(prop.get("type", ""))
	if prop.has("enum"):
		type = "enum"
	if not FIELD_TYPES.has(type):
		return {}
	var field := {
		"name": key,
		"label": str(prop.get("title", key.capitalize())),
		"type": type,
		"description": str(prop.get("description", "")),
		"default": prop.get("default"),
		"min": float(prop.get("minimum", prop.get("exclusiveMinimum", -1.0e6))),
		"max": float(prop.get("maximum", prop.get("exclusiveMaximum", 1.0e6))),
	}
	if type == "enum":
		field["options"] = prop["enum"]
	var span: float = field["max"] - field["min"]
	field["step"] = 1.0 if type == "integer" else _step(span)
	return field


static func _step(span: float) -> float:
	# About a hundred steps across the range, rounded to a power of ten.
	if span <= 0.0:
		return 0.001
	return pow(10.0, floorf(log(span / 100.0) / log(10.0)))


static func _scene_name(scene: String) -> String:
	# res://<out>/<family>/<id>/godot/scene.tscn names the scenario by its folder.
	if scene.ends_with("/godot/scene.tscn"):
		return scene.get_base_dir().get_base_dir().get_file()
	return scene.get_file().get_basename()


func _start_job(body: Dictionary) -> bool:
	if is_busy():
		_fail("the dock is busy; wait for the current step to finish")
		return false
	job_id = ""
	job = {}
	details.clear()
	_thumbnails_asked.clear()
	benchmark_run = {}
	_set_state(State.GENERATING)
	var response := await client.post_json("/api/jobs", body)
	if not _succeeded(response):
		_set_state(State.IDLE)
		return false
	job_id = str((response.data as Dictionary).get("id", ""))
	return await _poll("/api/jobs/" + job_id, apply_job, State.IDLE)


func _poll(path: String, apply: Callable, fallback: State) -> bool:
	var deadline := Time.get_ticks_msec() + int(poll_timeout_s * 1000.0)
	var busy_state := state
	while state == busy_state:
		var response := await client.get_json(path)
		if not _succeeded(response):
			_set_state(fallback)
			return false
		if not response.data is Dictionary:
			_fail(
				"GET %s answered %s, not a JSON object" % [path, type_string(typeof(response.data))]
			)
			_set_state(fallback)
			return false
		apply.call(response.data)
		if state != busy_state:
			break
		if Time.get_ticks_msec() > deadline:
			_fail("gave up polling %s after %d s" % [path, int(poll_timeout_s)])
			_set_state(fallback)
			return false
		_poll_timer.start(poll_interval_s)
		await _poll_timer.timeout
		if _closing:
			return false
	return state in [State.GENERATED, State.BENCHMARKED] and last_error.is_empty()


func _load_new_thumbnails(status: Dictionary) -> void:
	# A scenario published with its verdict and thumbnail (the backend adds the other renders
	# after) gets its thumbnail now, while the job goes on: the poll does not wait for it.
	for scenario: Dictionary in status.get("scenarios", []):
		var id := str(scenario.get("id", ""))
		if bool(scenario.get("thumbnail", false)) and not _thumbnails_asked.has(id):
			_thumbnails_asked[id] = false
			_load_early_thumbnail(id)


func _load_early_thumbnail(id: String) -> void:
	var response := await client.get_json("/api/scenarios/" + id)
	if _closing:
		return
	if response.ok and response.data is Dictionary:
		details[id] = response.data
		var url: Variant = (response.data as Dictionary).get("thumbnail_url")
		if url is String:
			await _load_thumbnail(id, url)
	_thumbnails_asked[id] = true


func _load_thumbnail(id: String, url: String) -> bool:
	var response := await client.get_bytes(url)
	if _closing or not _succeeded(response):
		return false
	var image := Image.new()
	var err := image.load_png_from_buffer(response.data)
	if err != OK:
		_fail("the thumbnail of %s is not a PNG: %s" % [id, error_string(err)])
		return false
	thumbnail_loaded.emit(id, ImageTexture.create_from_image(image))
	return true


func _succeeded(response: BenchgenBackendClient.Response) -> bool:
	if response.ok:
		last_error = ""
		return true
	_fail(response.error)
	return false


func _fail(message: String) -> void:
	# No push_warning: the dock shows the sentence, and a failure the user can fix is not
	# an engine warning (the Godot tests fail on every WARNING line).
	last_error = message
	error_reported.emit(message)


func _set_state(new_state: State) -> void:
	if new_state != state:
		state = new_state
		state_changed.emit(new_state)
