@tool
extends RefCounted
## Editor only: puts scenario scenes in the benchmark scene's array with undo.
##
## The benchmark scene is the project setting [code]benchgen/benchmark/scene[/code]
## ([method BenchgenBenchmarkRunner.benchmark_scene_path]). When it is open, its root's
## [code]scenarios[/code] property is edited through the scene's undo history (save the
## scene to keep it). Otherwise the file is written (created with a
## [BenchgenBenchmarkRunner] root when missing), with undo writing the previous array back
## (or removing the file it created) in the global history. A scene that is not a benchgen
## benchmark scene (a host project's own file at that path) is never written: the result
## says why and what to change. No [code]class_name[/code]: this script uses editor
## classes, so nothing outside the editor may load it.

var _undo_redo: EditorUndoRedoManager


func _init(undo_redo: EditorUndoRedoManager) -> void:
	_undo_redo = undo_redo


## Add the scenes at [param paths] to the benchmark array (kept once each). Return
## [code]{"scenes": PackedStringArray, "scene": String, "error": String}[/code]: the array
## read back from the scene after the edit, the scene's path, and, when nothing was
## added, why (then [code]scenes[/code] is empty).
func add_scenes(paths: PackedStringArray) -> Dictionary:
	var path := BenchgenBenchmarkRunner.benchmark_scene_path()
	var why := BenchgenBenchmarkRunner.describe_benchmark_scene(path)
	if not why.is_empty():
		return _failed(
			path,
			(
				(
					"%s; nothing was added. Set Project Settings > benchgen/benchmark/scene to a "
					+ "new file, e.g. res://benchgen_benchmark.tscn"
				)
				% why
			)
		)
	if paths.is_empty():
		return _failed(path, "no scenario scene to add")
	var root := EditorInterface.get_edited_scene_root()
	if root != null and root.scene_file_path == path:
		return _add_to_open_scene(root, paths)
	var existed := FileAccess.file_exists(path)
	var old := read_paths(path)
	var wanted := _merged(old, paths)
	_undo_redo.create_action("benchgen: add %d scenario(s) to the benchmark" % paths.size())
	_undo_redo.add_do_method(self, "write_paths", path, wanted)
	if existed:
		_undo_redo.add_undo_method(self, "write_paths", path, old)
	else:
		_undo_redo.add_undo_method(self, "remove_scene", path)
	_undo_redo.commit_action()
	var saved := read_paths(path)
	if saved != wanted:
		return _failed(path, "%s holds %s after the edit, not %s" % [path, saved, wanted])
	return {"scenes": saved, "scene": path, "error": ""}


## Return the res:// paths in the saved benchmark scene's array at [param path].
func read_paths(path: String) -> PackedStringArray:
	var found := PackedStringArray()
	for scene: PackedScene in BenchgenBenchmarkRunner.read_benchmark_array(path):
		found.append(scene.resource_path)
	return found


## Write [param paths] as the array of the benchmark scene at [param path] (created when
## missing) and rescan the file system.
func write_paths(path: String, paths: PackedStringArray) -> void:
	var root := _instantiate(path)
	if root == null:
		return
	var scenes: Array[PackedScene] = []
	for scene_path: String in paths:
		var scene := load(scene_path) as PackedScene
		if scene != null:
			scenes.append(scene)
	root.set(BenchgenBenchmarkRunner.SCENARIOS_PROPERTY, scenes)
	var packed := PackedScene.new()
	var err := packed.pack(root)
	root.free()
	if err == OK:
		DirAccess.make_dir_recursive_absolute(path.get_base_dir())
		err = ResourceSaver.save(packed, path)
	if err != OK:
		push_error("benchgen: cannot save %s: %s" % [path, error_string(err)])
		return
	EditorInterface.get_resource_filesystem().scan()


## Remove the benchmark scene at [param path] that an add created (its undo).
func remove_scene(path: String) -> void:
	var err := DirAccess.remove_absolute(ProjectSettings.globalize_path(path))
	if err != OK:
		push_error("benchgen: cannot remove %s: %s" % [path, error_string(err)])
	EditorInterface.get_resource_filesystem().scan()


func _add_to_open_scene(root: Node, paths: PackedStringArray) -> Dictionary:
	var old: Array[PackedScene] = []
	var current: Variant = root.get(BenchgenBenchmarkRunner.SCENARIOS_PROPERTY)
	if current is Array:
		old.assign(current)
	var old_paths := PackedStringArray()
	for scene: PackedScene in old:
		old_paths.append(scene.resource_path if scene != null else "")
	var wanted := _merged(old_paths, paths)
	var scenes: Array[PackedScene] = old.duplicate()
	for scene_path: String in wanted.slice(old_paths.size()):
		var scene := load(scene_path) as PackedScene
		if scene != null:
			scenes.append(scene)
	_undo_redo.create_action(
		"benchgen: add %d scenario(s) to the benchmark" % paths.size(), UndoRedo.MERGE_DISABLE, root
	)
	_undo_redo.add_do_property(root, BenchgenBenchmarkRunner.SCENARIOS_PROPERTY, scenes)
	_undo_redo.add_undo_property(root, BenchgenBenchmarkRunner.SCENARIOS_PROPERTY, old)
	_undo_redo.commit_action()
	var now := PackedStringArray()
	for scene: PackedScene in root.get(BenchgenBenchmarkRunner.SCENARIOS_PROPERTY):
		now.append(scene.resource_path)
	return {"scenes": now, "scene": root.scene_file_path, "error": ""}


func _instantiate(path: String) -> Node:
	if not FileAccess.file_exists(path):
		var runner := BenchgenBenchmarkRunner.new()
		runner.name = path.get_file().get_basename().to_pascal_case()
		return runner
	var packed := load(path) as PackedScene
	if packed == null:
		push_error("benchgen: cannot load %s." % path)
		return null
	return packed.instantiate(PackedScene.GEN_EDIT_STATE_INSTANCE)


static func _failed(path: String, why: String) -> Dictionary:
	return {"scenes": PackedStringArray(), "scene": path, "error": why}


static func _merged(old: PackedStringArray, paths: PackedStringArray) -> PackedStringArray:
	var merged := old.duplicate()
	for path: String in paths:
		if not merged.has(path):
			merged.append(path)
	return merged
