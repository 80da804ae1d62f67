extends Node
## The dock end to end, run by [code]--e2e-dock[/code] in a page the backend serves.
##
## Shows the real dock scene (no editor), then through it: checks health, generates three
## push_to_goal scenarios with renders, watches progress, loads the thumbnails, replaces
## the benchmark array with them through the backend, runs the benchmark (the backend
## starts a second Godot) with the oracle agent and reads the results table. Prints
## [code]BENCHGEN_E2E passed[/code] or [code]BENCHGEN_E2E failed: ...[/code].

## The dock scene under test.
const DOCK_SCENE := "res://addons/benchgen/dock/dock.tscn"
## Printed when the finished dock is worth a screenshot (as the benchmark runner does).
const SCREENSHOT_MARK := "BENCHGEN_SCREENSHOT"
## Scenarios generated.
const COUNT := 3

var _failures: PackedStringArray = []
var _progress: Array[float] = []
var _thumbnails: int = 0


## Run the test and return the exit code (0 = passed); with [param screenshot], hold the
## finished dock on screen after printing [constant SCREENSHOT_MARK].
func run(screenshot: bool) -> int:
	var started := Time.get_ticks_msec()
	var dock: Control = (load(DOCK_SCENE) as PackedScene).instantiate()
	var panel := PanelContainer.new()
	panel.set_anchors_and_offsets_preset(Control.PRESET_FULL_RECT)
	add_child(panel)
	panel.add_child(dock)
	var model: BenchgenDockModel = dock.get("model")
	model.job_changed.connect(_on_job_changed)
	model.thumbnail_loaded.connect(_on_thumbnail_loaded)
	model.error_reported.connect(_on_error_reported)
	if await _wait_for(func() -> bool: return not model.families.is_empty(), 30.0):
		await _flow(dock, model)
	else:
		_fail("the families never arrived (healthy=%s)" % model.healthy)
	print("BENCHGEN_E2E took %.1f s" % ((Time.get_ticks_msec() - started) / 1000.0))
	if screenshot:
		await _hold_for_screenshot()
	if _failures.is_empty():
		print("BENCHGEN_E2E passed")
		return 0
	print("BENCHGEN_E2E failed: " + "; ".join(_failures))
	return 1


func _flow(dock: Control, model: BenchgenDockModel) -> void:
	_check(model.healthy, "health check failed")
	_check(model.client.base_url.begins_with("http://127.0.0.1:"), "base " + model.client.base_url)
	_check(not model.llm_configured, "the backend reports an LLM, none is set in the test")
	var request_edit: LineEdit = dock.find_child("RequestEdit", true, false)
	_check(not request_edit.editable, "the free-text field is enabled without an LLM")
	_check(model.families.has("push_to_goal"), "no push_to_goal in %s" % [model.families.keys()])
	_choose(dock, "FamilyPicker", "push_to_goal")
	_check(dock.call("fixed_params").is_empty(), "parameters fixed before any was ticked")
	(dock.find_child("CountSpin", true, false) as SpinBox).value = COUNT
	(dock.find_child("SeedSpin", true, false) as SpinBox).value = 7
	(dock.find_child("RendersCheck", true, false) as CheckBox).button_pressed = true
	var generated: bool = await dock.call("generate")
	_check(generated, "generation failed: " + model.last_error)
	_check(model.promoted_ids().size() == COUNT, "promoted %s" % [model.promoted_ids()])
	_check(not _progress.is_empty() and _progress[-1] == 1.0, "progress seen: %s" % [_progress])
	for i: int in range(1, _progress.size()):
		_check(_progress[i] >= _progress[i - 1], "progress went back: %s" % [_progress])
	_check(_thumbnails == COUNT, "%d thumbnails loaded" % _thumbnails)
	_check(model.scene_paths().size() == COUNT, "scene paths %s" % [model.scene_paths()])
	if not _failures.is_empty():
		return
	var added: bool = await dock.call("add_to_benchmark", true)
	_check(added, "add to benchmark failed: " + model.last_error)
	_check(model.benchmark_scenes == model.scene_paths(), "array %s" % [model.benchmark_scenes])
	_choose(dock, "AgentPicker", "oracle")
	(dock.find_child("IterationsSpin", true, false) as SpinBox).value = 1
	var ran: bool = await dock.call("run_benchmark")
	_check(ran, "benchmark failed: " + model.last_error)
	_check_results(dock, model)


func _check_results(dock: Control, model: BenchgenDockModel) -> void:
	var results: Dictionary = model.benchmark_run.get("results", {})
	_check(results.get("exit_code") == 0, "benchmark exit code %s" % results.get("exit_code"))
	var rows := BenchgenDockModel.result_rows(results)
	_check(rows.size() == COUNT, "%d result rows" % rows.size())
	var successes := 0
	for row: Dictionary in rows:
		_check(row["scene"] in model.benchmark_scenes, "unexpected scene %s" % row["scene"])
		_check(row["successes"] + row["failures"] + row["errors"] == 1, "row %s" % [row])
		successes += row["successes"]
	print("BENCHGEN_E2E oracle successes=%d of %d in %s" % [successes, rows.size(), results])
	var tree: Tree = dock.find_child("ResultsTree", true, false)
	var root := tree.get_root()
	_check(root != null and root.get_child_count() == COUNT, "results table rows")


func _choose(dock: Control, picker_name: String, text: String) -> void:
	var picker: OptionButton = dock.find_child(picker_name, true, false)
	for index: int in picker.item_count:
		if picker.get_item_text(index) == text:
			picker.select(index)
			picker.item_selected.emit(index)
			return
	_fail("%s has no item %s" % [picker_name, text])


func _wait_for(condition: Callable, timeout_s: float) -> bool:
	var deadline := Time.get_ticks_msec() + int(timeout_s * 1000.0)
	while not condition.call():
		if Time.get_ticks_msec() > deadline:
			return false
		await get_tree().create_timer(0.1, true, false, true).timeout
	return true


func _hold_for_screenshot() -> void:
	for i: int in 10:
		await get_tree().process_frame
	print(SCREENSHOT_MARK)
	await get_tree().create_timer(1.5, true, false, true).timeout


func _check(condition: bool, message: String) -> void:
	if not condition:
		_fail(message)


func _fail(message: String) -> void:
	_failures.append(message)
	print("BENCHGEN_E2E check failed: " + message)


func _on_job_changed(job: Dictionary) -> void:
	_progress.append(BenchgenDockModel.progress_fraction(job))


func _on_thumbnail_loaded(_scenario_id: String, _texture: Texture2D) -> void:
	_thumbnails += 1


func _on_error_reported(message: String) -> void:
	print("BENCHGEN_E2E dock error: " + message)
