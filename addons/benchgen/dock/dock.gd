@tool
extends VBoxContainer
## The benchgen dock: a thin view over [BenchgenDockModel], which does the work.
##
## It shows the backend's health, a family picker whose parameter fields come from the
## family's JSON schema, count, seed, a free-text request (enabled only when the backend
## has an LLM), the job's progress and scenarios, their thumbnails, and the benchmark
## buttons and results. In the editor, [member benchmark_editor] (set by
## [code]plugin.gd[/code]) edits the benchmark scene with undo; elsewhere the backend does.
## While the backend is unreachable the dock checks it again every
## [member health_retry_s] seconds, so health and families appear on their own once it
## runs. It warns when the project's 3D physics engine is not Jolt.

## Agents offered for benchmark runs.
const AGENTS: PackedStringArray = ["null", "random", "oracle", "llm"]
## Height of a thumbnail in pixels.
const THUMBNAIL_HEIGHT := 60
## The 3D physics engine benchgen tunes and checks scenarios for.
const JOLT := "Jolt Physics"

## Set by the plugin: [code]func(paths: PackedStringArray) -> Dictionary[/code] puts scenes
## in the benchmark array with undo and returns [code]{scenes, scene, error}[/code]; unset,
## the backend does it.
var benchmark_editor: Callable
## Seconds between two health checks while the backend is unreachable; 0 turns them off.
var health_retry_s: float = 3.0
## Seconds between two health checks while a backend the Start button started comes up.
var start_retry_s: float = 0.5
## The logic behind the dock; made in [method _ready] when not set before.
var model: BenchgenDockModel
## The backend process the Start button runs (editor only).
var backend_process := BenchgenBackendProcess.new()

var _param_widgets: Dictionary = {}
var _retry_timer: Timer

@onready var _health_label: Label = %HealthLabel
@onready var _check_button: Button = %CheckButton
@onready var _start_button: Button = %StartButton
@onready var _stop_button: Button = %StopButton
@onready var _error_label: Label = %ErrorLabel
@onready var _engine_warning: Label = %EngineWarning
@onready var _family_picker: OptionButton = %FamilyPicker
@onready var _family_description: Label = %FamilyDescription
@onready var _params: GridContainer = %Params
@onready var _count_spin: SpinBox = %CountSpin
@onready var _seed_spin: SpinBox = %SeedSpin
@onready var _renders_check: CheckBox = %RendersCheck
@onready var _request_edit: LineEdit = %RequestEdit
@onready var _request_note: Label = %RequestNote
@onready var _generate_button: Button = %GenerateButton
@onready var _cancel_button: Button = %CancelButton
@onready var _progress: ProgressBar = %Progress
@onready var _scenario_tree: Tree = %ScenarioTree
@onready var _thumbnails: HFlowContainer = %Thumbnails
@onready var _add_button: Button = %AddButton
@onready var _agent_picker: OptionButton = %AgentPicker
@onready var _iterations_spin: SpinBox = %IterationsSpin
@onready var _run_button: Button = %RunButton
@onready var _benchmark_status: Label = %BenchmarkStatus
@onready var _results_tree: Tree = %ResultsTree


func _ready() -> void:
	var edited: Node = get_tree().get("edited_scene_root") if Engine.is_editor_hint() else null
	if edited != null and (edited == self or edited.is_ancestor_of(self)):
		return  # opened as a scene in the editor: a layout, not a running dock
	if model == null:
		model = BenchgenDockModel.new()
		model.name = "Model"
		add_child(model)
	_set_up_controls()
	_connect_model()
	_update_buttons()
	var can_spawn := Engine.is_editor_hint() and not OS.has_feature("web")
	_start_button.visible = can_spawn
	_stop_button.visible = can_spawn
	_show_engine_warning()
	refresh()
	_keep_checking_health()


func _exit_tree() -> void:
	if backend_process.is_running():
		backend_process.stop()


## Check the backend (at the URL the project setting names now) and reload the families.
func refresh() -> void:
	model.client.base_url = BenchgenBackendClient.default_base_url()
	if await model.refresh():
		_show_error("")


## Return the parameter values of the ticked parameter fields, by name.
func fixed_params() -> Dictionary:
	var params := {}
	for key: String in _param_widgets:
		var pair: Array = _param_widgets[key]
		if (pair[0] as CheckBox).button_pressed:
			params[key] = _widget_value(pair[1])
	return params


## Press Generate: a free-text job when text was typed (and an LLM is there), else a
## family job. Returns True when the job finished done.
func generate() -> bool:
	var text := _request_edit.text.strip_edges()
	var ok: bool
	if not text.is_empty():
		ok = await model.generate_from_text(text)
	else:
		ok = await model.generate(
			_family_picker.get_item_text(_family_picker.selected),
			int(_count_spin.value),
			int(_seed_spin.value),
			fixed_params(),
			_renders_check.button_pressed
		)
	if ok:
		await model.load_details()
	return ok


## Press Add to benchmark: the editor's undoable edit when available, else the backend
## (with [param replace], the array then holds exactly the new scenarios). Returns True
## only when the benchmark scene, read back, holds them.
func add_to_benchmark(replace: bool = false) -> bool:
	if benchmark_editor.is_valid():
		var paths := model.scene_paths()
		if paths.is_empty():
			_show_error("no scene path for the promoted scenarios; is --out inside this project?")
			return false
		var result: Dictionary = benchmark_editor.call(paths)
		var scenes: PackedStringArray = result.get("scenes", PackedStringArray())
		var missing := PackedStringArray()
		for path: String in paths:
			if not scenes.has(path):
				missing.append(path)
		if not str(result.get("error", "")).is_empty() or not missing.is_empty():
			_show_error("not added to %s: %s" % [result.get("scene", "?"), result.get("error", "")])
			return false
		model.mark_added(scenes)
		_show_error("")
		return true
	return await model.add_to_benchmark(replace)


## Return the warning shown when the project's 3D physics engine is not Jolt, or "".
static func engine_warning() -> String:
	var engine: String = ProjectSettings.get_setting("physics/3d/physics_engine", "DEFAULT")
	if engine == JOLT:
		return ""
	var shown := "GodotPhysics3D (the default)" if engine in ["DEFAULT", ""] else engine
	return (
		(
			"The 3D physics engine is %s: benchgen scenarios are tuned for Jolt Physics and "
			+ "agree with MuJoCo there. Set Project Settings > Physics > 3D > Physics Engine to "
			+ "Jolt Physics."
		)
		% shown
	)


## Press Run benchmark with the agent (a baseline or an LLM configuration) and iterations
## chosen in the dock.
func run_benchmark() -> bool:
	var choice: Dictionary = model.agent_choices[maxi(0, _agent_picker.selected)]
	return await model.run_benchmark(
		choice["agent"], int(_iterations_spin.value), 0.0, choice["config"]
	)


func _set_up_controls() -> void:
	_on_model_agents_changed(model.agent_choices)
	_scenario_tree.set_column_title(0, "scenario")
	_scenario_tree.set_column_title(1, "stage")
	_scenario_tree.set_column_title(2, "status")
	_scenario_tree.set_column_title(3, "reasons")
	_scenario_tree.set_column_expand_ratio(0, 3)
	var titles: PackedStringArray = ["scenario", "ok", "fail", "err", "mean s"]
	for column: int in titles.size():
		_results_tree.set_column_title(column, titles[column])
		_results_tree.set_column_expand(column, column == 0)
	_check_button.pressed.connect(refresh)
	_start_button.pressed.connect(_on_start_button_pressed)
	_stop_button.pressed.connect(_on_stop_button_pressed)
	_family_picker.item_selected.connect(_on_family_picker_item_selected)
	_request_edit.text_changed.connect(_on_request_edit_text_changed)
	_generate_button.pressed.connect(generate)
	_cancel_button.pressed.connect(model.cancel_job)
	_add_button.pressed.connect(add_to_benchmark.bind(false))
	_run_button.pressed.connect(run_benchmark)


func _connect_model() -> void:
	model.health_changed.connect(_on_model_health_changed)
	model.families_changed.connect(_on_model_families_changed)
	model.state_changed.connect(_on_model_state_changed)
	model.job_changed.connect(_on_model_job_changed)
	model.thumbnail_loaded.connect(_on_model_thumbnail_loaded)
	model.benchmark_scenes_changed.connect(_on_model_benchmark_scenes_changed)
	model.benchmark_changed.connect(_on_model_benchmark_changed)
	model.error_reported.connect(_show_error)
	model.agents_changed.connect(_on_model_agents_changed)


func _update_buttons() -> void:
	var busy := model.is_busy()
	var has_family := _family_picker.item_count > 0
	_generate_button.disabled = busy or not model.healthy or not has_family
	_cancel_button.disabled = model.state != BenchgenDockModel.State.GENERATING
	_add_button.disabled = busy or model.promoted_ids().is_empty()
	_run_button.disabled = busy or not model.healthy
	_request_edit.editable = model.llm_configured and not busy
	_request_note.visible = model.healthy and not model.llm_configured
	_request_note.text = (
		"Free-text requests need an LLM: set BENCHGEN_LLM_BASE_URL and BENCHGEN_LLM_MODEL "
		+ "where the backend runs, then restart it."
	)


func _show_engine_warning() -> void:
	_engine_warning.text = engine_warning()
	_engine_warning.visible = not _engine_warning.text.is_empty()


func _keep_checking_health() -> void:
	# A Timer child, not awaited SceneTreeTimers: it goes away with the dock, so nothing of
	# the dock is left waiting when the plugin is disabled or the editor quits.
	_retry_timer = Timer.new()
	_retry_timer.name = "HealthRetry"
	_retry_timer.wait_time = health_retry_s if health_retry_s > 0.0 else start_retry_s
	_retry_timer.timeout.connect(_on_health_retry_timeout)
	add_child(_retry_timer)
	if health_retry_s > 0.0:
		_retry_timer.start()


func _on_health_retry_timeout() -> void:
	if model.healthy:
		if health_retry_s > 0.0:
			_retry_timer.wait_time = health_retry_s
		else:
			_retry_timer.stop()
	elif not model.is_busy():
		refresh()


func _show_error(message: String) -> void:
	_error_label.text = message
	_error_label.visible = not message.is_empty()


func _build_param_fields(family: String) -> void:
	for child: Node in _params.get_children():
		child.queue_free()
	_param_widgets.clear()
	var info: Dictionary = model.families.get(family, {})
	_family_description.text = str(info.get("description", ""))
	for field: Dictionary in BenchgenDockModel.fields_from_schema(info.get("params_schema", {})):
		var fix := CheckBox.new()
		fix.text = field["label"]
		fix.tooltip_text = field["description"]
		var widget := _make_widget(field)
		widget.size_flags_horizontal = Control.SIZE_EXPAND_FILL
		_params.add_child(fix)
		_params.add_child(widget)
		_param_widgets[field["name"]] = [fix, widget]


func _make_widget(field: Dictionary) -> Control:
	match field["type"]:
		"boolean":
			var check := CheckBox.new()
			check.button_pressed = bool(field["default"])
			return check
		"enum":
			var picker := OptionButton.new()
			for option: Variant in field["options"]:
				picker.add_item(str(option))
			return picker
	var spin := SpinBox.new()
	spin.min_value = field["min"]
	spin.max_value = field["max"]
	spin.step = field["step"]
	spin.value = float(field["default"]) if field["default"] != null else field["min"]
	spin.tooltip_text = field["description"]
	return spin


func _widget_value(widget: Control) -> Variant:
	if widget is SpinBox:
		var spin := widget as SpinBox
		return int(spin.value) if spin.step == 1.0 else spin.value
	if widget is CheckBox:
		return (widget as CheckBox).button_pressed
	var picker := widget as OptionButton
	return picker.get_item_text(picker.selected)


func _on_model_health_changed(ok: bool, message: String) -> void:
	_health_label.text = ("Backend: " + message) if ok else "Backend: unreachable"
	_health_label.tooltip_text = message
	if not ok:
		_show_error(message)
	_update_buttons()


func _on_model_families_changed(names: PackedStringArray) -> void:
	var previous := (
		_family_picker.get_item_text(_family_picker.selected)
		if _family_picker.selected >= 0
		else ""
	)
	_family_picker.clear()
	for family: String in names:
		_family_picker.add_item(family)
	var index := names.find(previous)
	_family_picker.select(maxi(index, 0))
	if not names.is_empty():
		_build_param_fields(names[maxi(index, 0)])
	_update_buttons()


func _on_family_picker_item_selected(index: int) -> void:
	_build_param_fields(_family_picker.get_item_text(index))


func _on_request_edit_text_changed(_text: String) -> void:
	_update_buttons()


func _on_model_state_changed(state: BenchgenDockModel.State) -> void:
	if state == BenchgenDockModel.State.GENERATING:
		_scenario_tree.clear()
		_results_tree.clear()
		_benchmark_status.text = ""
		for child: Node in _thumbnails.get_children():
			child.queue_free()
	_update_buttons()


func _on_model_job_changed(job: Dictionary) -> void:
	_progress.value = BenchgenDockModel.progress_fraction(job)
	_scenario_tree.clear()
	var root := _scenario_tree.create_item()
	for row: Dictionary in BenchgenDockModel.job_rows(job):
		var item := _scenario_tree.create_item(root)
		item.set_text(0, row["id"])
		item.set_text(1, row["stage"])
		item.set_text(2, row["status"])
		item.set_text(3, row["reasons"])
		item.set_tooltip_text(3, row["reasons"])
		if row["status"] == "rejected":
			item.set_custom_color(2, Color(1.0, 0.5, 0.4))
		elif row["status"] == "promoted":
			item.set_custom_color(2, Color(0.5, 0.9, 0.5))
	_update_buttons()


func _on_model_thumbnail_loaded(scenario_id: String, texture: Texture2D) -> void:
	var rect := TextureRect.new()
	rect.texture = texture
	rect.expand_mode = TextureRect.EXPAND_IGNORE_SIZE
	rect.stretch_mode = TextureRect.STRETCH_KEEP_ASPECT_CENTERED
	var aspect := float(texture.get_width()) / maxf(1.0, float(texture.get_height()))
	rect.custom_minimum_size = Vector2(THUMBNAIL_HEIGHT * aspect, THUMBNAIL_HEIGHT)
	rect.tooltip_text = scenario_id
	_thumbnails.add_child(rect)


func _on_model_benchmark_scenes_changed(scenes: PackedStringArray) -> void:
	_benchmark_status.text = "The benchmark scene holds %d scenario(s)." % scenes.size()


func _on_model_agents_changed(choices: Array[Dictionary]) -> void:
	var kept := _agent_picker.selected
	_agent_picker.clear()
	for choice: Dictionary in choices:
		_agent_picker.add_item(choice["label"])
	_agent_picker.select(clampi(kept, 0, choices.size() - 1))


func _on_model_benchmark_changed(run: Dictionary) -> void:
	var run_state := str(run.get("state", ""))
	_benchmark_status.text = "Benchmark %s: %s" % [run_state, str(run.get("last_line", ""))]
	var agreement := BenchgenDockModel.agreement_text(run.get("results"))
	if not agreement.is_empty():
		_benchmark_status.text += " — " + agreement
	var rows := BenchgenDockModel.result_rows(run.get("results"))
	if rows.is_empty():
		return
	_results_tree.clear()
	var root := _results_tree.create_item()
	for row: Dictionary in rows:
		var item := _results_tree.create_item(root)
		item.set_text(0, row["name"])
		item.set_tooltip_text(0, row["scene"])
		item.set_text(1, str(row["successes"]))
		item.set_text(2, str(row["failures"]))
		item.set_text(3, str(row["errors"]))
		item.set_text(4, "%.2f" % row["mean_time_s"])
	var results: Dictionary = run["results"]
	_benchmark_status.text = (
		"Benchmark %s in %.1f s (%s runtime, exit code %d)."
		% [
			run_state,
			float(results.get("seconds", 0.0)),
			results.get("runtime", "?"),
			int(results.get("exit_code", -1))
		]
	)


func _on_start_button_pressed() -> void:
	var err := backend_process.start()
	if err != OK:
		_show_error("cannot start the backend: %s (see the Output panel)" % error_string(err))
		return
	_stop_button.disabled = false
	_health_label.text = "Backend: starting..."
	model.healthy = false
	# Checked every start_retry_s until it answers, then at the usual pace.
	_retry_timer.wait_time = start_retry_s
	_retry_timer.start()


func _on_stop_button_pressed() -> void:
	backend_process.stop()
	_stop_button.disabled = true
	await model.check_health()
