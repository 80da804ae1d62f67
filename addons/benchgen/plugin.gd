@tool
extends EditorPlugin
## The benchgen editor plugin: registers the [code]BenchgenSwitcher[/code] autoload.
##
## The autoload is added when the plugin is enabled and removed when it is disabled, as
## Godot's EditorPlugin template advises: doing it in [method _exit_tree] would also drop
## it from project.godot every time the editor closes.

const AUTOLOAD_NAME := "BenchgenSwitcher"
const AUTOLOAD_PATH := "res://addons/benchgen/runtime/scenario_switcher.gd"


func _enable_plugin() -> void:
	if not ProjectSettings.has_setting("autoload/" + AUTOLOAD_NAME):
		add_autoload_singleton(AUTOLOAD_NAME, AUTOLOAD_PATH)


func _disable_plugin() -> void:
	remove_autoload_singleton(AUTOLOAD_NAME)


func _enter_tree() -> void:
	# The generator dock (addons/benchgen/dock/) is added here, with its removal in
	# _exit_tree, when it lands.
	pass


func _exit_tree() -> void:
	pass
