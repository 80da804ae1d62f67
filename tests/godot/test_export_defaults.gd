extends "res://tests/godot/test_case.gd"
## The exporter never writes a property equal to its default (the editor drops those when
## it saves, and a re-saved scene must keep its hash). Its table of defaults is checked
## here against the running engine: fixtures/export_defaults.json is that table, written
## and kept current by tests/godot/test_export_defaults.py.

const TABLE_PATH := "res://tests/godot/fixtures/export_defaults.json"
const RUNTIME_DIR := "res://addons/benchgen/runtime/"


func test_every_default_the_exporter_skips_is_godots() -> void:
	var table: Dictionary = JSON.parse_string(FileAccess.get_file_as_string(TABLE_PATH))
	check(table.size() > 10, "the defaults table did not load")
	for key: String in table:
		var instance: Object = _instance(key)
		check(instance != null, "%s is neither a Godot class nor a runtime script" % key)
		if instance == null:
			continue
		var props: Dictionary = table[key]
		for prop: String in props:
			check_eq(var_to_str(instance.get(prop)), props[prop], "%s.%s" % [key, prop])
		if instance is Node:
			(instance as Node).free()
	done()


func _instance(key: String) -> Object:
	if key.ends_with(".gd"):
		return (load(RUNTIME_DIR + key) as GDScript).new()
	if ClassDB.class_exists(key) and ClassDB.can_instantiate(key):
		return ClassDB.instantiate(key)
	return null
