@tool
extends EditorPlugin
## The benchgen editor plugin: the [code]BenchgenSwitcher[/code] autoload, the project
## settings (backend URL and command, the benchmark scene) and the generator dock.
##
## The autoload is added when the plugin is enabled and removed when it is disabled, as
## Godot's EditorPlugin template advises: doing it in [method _exit_tree] would also drop
## it from project.godot every time the editor closes. The dock lives while the plugin is
## in the tree; its logic is in [code]dock/[/code] (no editor API there but
## [code]benchmark_scene_editor.gd[/code], which gives "Add to benchmark" its undo).

const AUTOLOAD_NAME := "BenchgenSwitcher"
const AUTOLOAD_PATH := "res://addons/benchgen/runtime/scenario_switcher.gd"
const DOCK_SCENE := preload("res://addons/benchgen/dock/dock.tscn")
const SceneEditor := preload("res://addons/benchgen/dock/benchmark_scene_editor.gd")

var _dock: Control
var _scene_editor: SceneEditor


func _enable_plugin() -> void:
	if not ProjectSettings.has_setting("autoload/" + AUTOLOAD_NAME):
		add_autoload_singleton(AUTOLOAD_NAME, AUTOLOAD_PATH)


func _disable_plugin() -> void:
	remove_autoload_singleton(AUTOLOAD_NAME)


func _enter_tree() -> void:
	BenchgenBackendProcess.register_settings()
	# The benchmark scene whose scenario array Add to benchmark fills and runs.
	_register_file_setting(
		BenchgenBenchmarkRunner.BENCHMARK_SETTING, BenchgenBenchmarkRunner.DEFAULT_BENCHMARK_SCENE
	)
	_scene_editor = SceneEditor.new(get_undo_redo())
	_dock = DOCK_SCENE.instantiate()
	_dock.set("benchmark_editor", _scene_editor.add_scenes)
	add_control_to_dock(DOCK_SLOT_RIGHT_UL, _dock)


func _exit_tree() -> void:
	remove_control_from_docks(_dock)
	_dock.queue_free()
	_dock = null
	_scene_editor = null


static func _register_file_setting(key: String, value: String) -> void:
	if not ProjectSettings.has_setting(key):
		ProjectSettings.set_setting(key, value)
	ProjectSettings.set_initial_value(key, value)
	ProjectSettings.add_property_info(
		{"name": key, "type": TYPE_STRING, "hint": PROPERTY_HINT_FILE, "hint_string": "*.tscn"}
	)
