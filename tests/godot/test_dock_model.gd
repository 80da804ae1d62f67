extends "res://tests/godot/test_case.gd"
## BenchgenDockModel without a backend: schema to fields, rows, and state transitions.

const SCHEMA := {
	"type": "object",
	"properties":
	{
		"shelf_height":
		{
			"type": "number",
			"title": "Shelf Height",
			"description": "height of the shelf top (m)",
			"default": 0.3,
			"minimum": 0.18,
			"maximum": 0.42,
		},
		"steps": {"type": "integer", "default": 3, "minimum": 1, "maximum": 9},
		"mirrored": {"type": "boolean", "default": false},
		"material": {"enum": ["wood", "steel"], "default": "wood"},
		"label": {"type": "string"},
	},
}


func _job(state: String, done: int, scenarios: Array) -> Dictionary:
	return {
		"id": "0123456789abcdef0123456789abcdef",
		"state": state,
		"progress": {"done": done, "total": 3},
		"scenarios": scenarios,
		"error": "boom" if state == "failed" else "",
	}


func _scenario(id: String, status: String, reasons: Array = []) -> Dictionary:
	return {"id": id, "family": "ramp", "stage": "finished", "status": status, "reasons": reasons}


func _model() -> BenchgenDockModel:
	var model := BenchgenDockModel.new()
	add_child(model)
	return model


func test_fields_from_schema() -> void:
	var fields := BenchgenDockModel.fields_from_schema(SCHEMA)
	var names: Array = fields.map(func(f: Dictionary) -> String: return f["name"])
	check_eq(
		names, ["shelf_height", "steps", "mirrored", "material"], "field names (string dropped)"
	)
	var height: Dictionary = fields[0]
	check_eq(height["label"], "Shelf Height", "label from title")
	check_eq(height["type"], "number", "type")
	check_eq(height["min"], 0.18, "min")
	check_eq(height["max"], 0.42, "max")
	check_eq(height["default"], 0.3, "default")
	check(height["step"] > 0.0 and height["step"] <= 0.01, "step %s" % height["step"])
	check_eq(fields[1]["step"], 1.0, "integer step")
	check_eq(fields[1]["label"], "Steps", "label from name")
	check_eq(fields[2]["type"], "boolean", "boolean")
	check_eq(fields[3]["type"], "enum", "enum")
	check_eq(fields[3]["options"], ["wood", "steel"], "enum options")
	check_eq(BenchgenDockModel.fields_from_schema({}), [] as Array[Dictionary], "empty schema")
	done()


func test_job_request_fixes_only_given_params() -> void:
	var body := BenchgenDockModel.job_request("ramp_to_goal", 3, 7, {}, true)
	check_eq(
		body,
		{"family": "ramp_to_goal", "count": 3, "seed": 7, "renders": true, "godot": true},
		"no params"
	)
	body = BenchgenDockModel.job_request("ramp_to_goal", 1, 0, {"width": 0.2}, false)
	check_eq(body["params"], {"width": 0.2}, "params")
	done()


func test_rows_and_progress() -> void:
	var job := _job(
		"running", 1, [_scenario("a", "promoted"), _scenario("b", "rejected", ["X", "Y"])]
	)
	var rows := BenchgenDockModel.job_rows(job)
	check_eq(rows.size(), 2, "rows")
	check_eq(rows[1]["reasons"], "X, Y", "reasons joined")
	check_eq(BenchgenDockModel.progress_fraction(job), 1.0 / 3.0, "progress")
	check_eq(BenchgenDockModel.progress_fraction({}), 0.0, "no progress")
	var results := {
		"report":
		{
			"scenarios":
			[
				{
					"scene": "res://scenarios/ramp/ramp-000007-abcdef/godot/scene.tscn",
					"successes": 2,
					"failures": 1,
					"errors": 0,
					"iterations": [{"time_s": 1.0}, {"time_s": 2.0}, {"time_s": 3.0}],
				}
			]
		}
	}
	var table := BenchgenDockModel.result_rows(results)
	check_eq(table.size(), 1, "result rows")
	check_eq(table[0]["name"], "ramp-000007-abcdef", "scenario name")
	check_eq(table[0]["mean_time_s"], 2.0, "mean time")
	check_eq(BenchgenDockModel.result_rows(null).size(), 0, "no results")
	done()


func test_job_transitions() -> void:
	var model := _model()
	var states: Array[BenchgenDockModel.State] = []
	model.state_changed.connect(func(s: BenchgenDockModel.State) -> void: states.append(s))
	model.state = BenchgenDockModel.State.GENERATING
	check(model.is_busy(), "generating is busy")
	model.apply_job(_job("running", 1, [_scenario("r-000001-aaaaaa", "promoted")]))
	check_eq(model.state, BenchgenDockModel.State.GENERATING, "still generating")
	model.apply_job(
		_job(
			"done",
			3,
			[_scenario("r-000001-aaaaaa", "promoted"), _scenario("r-000002-bbbbbb", "rejected")]
		)
	)
	check_eq(model.state, BenchgenDockModel.State.GENERATED, "generated")
	check_eq(model.promoted_ids(), PackedStringArray(["r-000001-aaaaaa"]), "promoted ids")
	check_eq(model.last_error, "", "no error")
	model.mark_added(PackedStringArray(["res://a.tscn"]))
	check_eq(model.state, BenchgenDockModel.State.ADDED, "added")
	model.state = BenchgenDockModel.State.BENCHMARKING
	model.apply_benchmark({"state": "running"})
	check_eq(model.state, BenchgenDockModel.State.BENCHMARKING, "benchmark running")
	model.apply_benchmark({"state": "done", "results": {}})
	check_eq(model.state, BenchgenDockModel.State.BENCHMARKED, "benchmarked")
	check_eq(
		states,
		[
			BenchgenDockModel.State.GENERATED,
			BenchgenDockModel.State.ADDED,
			BenchgenDockModel.State.BENCHMARKED,
		],
		"signalled states"
	)
	done()


func test_a_published_thumbnail_is_fetched_while_the_job_runs_and_once() -> void:
	var model := _model()
	model.client.base_url = "http://127.0.0.1:9"  # nothing answers: the fetch fails
	model.state = BenchgenDockModel.State.GENERATING
	var published := _scenario("r-000001-aaaaaa", "promoted")
	published["stage"] = "render"
	published["thumbnail"] = true
	var running := _scenario("r-000002-bbbbbb", "running")
	model.apply_job(_job("running", 0, [published, running]))
	check_eq(model._thumbnails_asked.keys(), ["r-000001-aaaaaa"], "asked at once, only it")
	model.apply_job(_job("running", 0, [published, running]))
	check_eq(model._thumbnails_asked.size(), 1, "asked once")
	while not model._thumbnails_asked["r-000001-aaaaaa"]:
		await get_tree().process_frame
	check(model.details.is_empty(), "no details from a backend that is not there")
	done()


func test_failures_are_reported() -> void:
	var model := _model()
	var errors: PackedStringArray = []
	model.error_reported.connect(func(message: String) -> void: errors.append(message))
	model.state = BenchgenDockModel.State.GENERATING
	model.apply_job(_job("failed", 0, []))
	check_eq(model.state, BenchgenDockModel.State.IDLE, "back to idle")
	check_eq(model.last_error, "the job failed: boom", "error text")
	model.state = BenchgenDockModel.State.GENERATING
	model.apply_job(_job("done", 3, [_scenario("r-000001-aaaaaa", "rejected", ["TIMEOUT"])]))
	check_eq(model.state, BenchgenDockModel.State.GENERATED, "done without promoted")
	check(model.last_error.contains("without a promoted"), "no-promoted error")
	model.state = BenchgenDockModel.State.BENCHMARKING
	model.apply_benchmark({"state": "failed", "error": "Godot exited with code 1"})
	check_eq(model.state, BenchgenDockModel.State.ADDED, "failed run")
	check_eq(errors.size(), 3, "three errors signalled")
	done()


func test_unreachable_backend_is_an_error_not_a_hang() -> void:
	var model := _model()
	model.client.base_url = "http://127.0.0.1:9"
	var healthy: bool = await model.check_health()
	check(not healthy, "port 9 answered")
	var ok: bool = await model.generate("ramp_to_goal", 1, 0)
	check(not ok, "generate without a backend succeeded")
	check_eq(model.state, BenchgenDockModel.State.IDLE, "idle after the failed post")
	check(model.last_error.contains("cannot reach the backend"), "error: " + model.last_error)
	check(model.last_error.contains("127.0.0.1:9"), "error names the URL: " + model.last_error)
	done()


func test_free_text_needs_an_llm() -> void:
	var model := _model()
	var ok: bool = await model.generate_from_text("a ball in a cup")
	check(not ok, "free text ran without an LLM")
	check(model.last_error.contains("LLM"), "error: " + model.last_error)
	check_eq(model.state, BenchgenDockModel.State.IDLE, "idle")
	done()


func test_backend_command_words() -> void:
	var argv := BenchgenBackendProcess.command_argv(
		'benchgen serve --out {project}/scenarios --name "a b"', "/p/"
	)
	check_eq(
		argv,
		PackedStringArray(["benchgen", "serve", "--out", "/p/scenarios", "--name", "a b"]),
		"argv"
	)
	check_eq(BenchgenBackendProcess.command_argv("  ", "/p"), PackedStringArray(), "blank")
	done()


func test_agent_choices_list_llm_configs_next_to_the_baselines() -> void:
	var choices := BenchgenDockModel.agent_choices_of(PackedStringArray(["gpt", "smollm2"]))
	var labels: Array[String] = []
	for choice: Dictionary in choices:
		labels.append(choice["label"])
	check_eq(labels, ["null", "random", "oracle", "llm: gpt", "llm: smollm2"], "labels")
	check_eq(choices[4]["agent"], "llm", "an LLM choice runs the llm agent")
	check_eq(choices[4]["config"], "smollm2", "with its configuration")
	check_eq(choices[1]["config"], "", "a baseline has no configuration")
	check_eq(BenchgenDockModel.agent_choices_of(PackedStringArray()).size(), 3, "no LLM")
	var results := {"report": {"agreement": {"attempts": 7, "compared": 6, "same_outcome": 5}}}
	check_eq(
		BenchgenDockModel.agreement_text(results),
		"MuJoCo and Godot agreed on 5 of 6 simulated attempts",
		"agreement line"
	)
	check_eq(BenchgenDockModel.agreement_text({"report": {}}), "", "no agreement without an LLM")
	check_eq(BenchgenDockModel.agreement_text(null), "", "no results")
	done()
