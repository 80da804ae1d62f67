@tool
extends RefCounted
## Editor only: puts scenario scenes in the benchmark scene's array with undo.
##
## When the benchmark scene is open, its root's [code]scenarios[/code] property is edited
## through the scene's undo history (save the scene to keep it). Otherwise the scene file
## is rewritten, with undo writing the previous array back, in the global history, and
## the file system is rescanned. No [code]class_name[/code]: this script uses editor
## classes, so nothing outside the editor may load it.

## The benchmark scene.
const SCENE_PATH := "res://benchmarking/benchmarker.tscn"

var _undo_redo: EditorUndoRedoManager


func _init(undo_redo: EditorUndoRedoManager) -> void:
	_undo_redo = undo_redo


## Add the scenes at [param paths] to the benchmark array (kept once each); return the
## array's paths afterwards, or an empty array when the scene cannot be edited.
func add_scenes(paths: PackedStringArray) -> PackedStringArray:
	var root := EditorInterface.get_edited_scene_root()
	if root != null and root.scene_file_path == SCENE_PATH:
		return _add_to_open_scene(root, paths)
	var old := read_paths()
	if old.is_empty() and not ResourceLoader.exists(SCENE_PATH):
		push_error("benchgen: %s does not exist; restore it from the repository." % SCENE_PATH)
		return PackedStringArray()
	var wanted := _merged(old, paths)
	_undo_redo.create_action("benchgen: add %d scenario(s) to the benchmark" % paths.size())
	_undo_redo.add_do_method(self, "write_paths", wanted)
	_undo_redo.add_undo_method(self, "write_paths", old)
	_undo_redo.commit_action()
	return wanted


## Return the res:// paths in the saved benchmark scene's array.
func read_paths() -> PackedStringArray:
	var paths := PackedStringArray()
	var root := _instantiate()
	if root == null:
		return paths
	for scene: PackedScene in root.get("scenarios"):
		if scene != null:
			paths.append(scene.resource_path)
	root.free()
	return paths


## Write [param paths] as the saved benchmark scene's array and rescan the file system.
func write_paths(paths: PackedStringArray) -> void:
	var root := _instantiate()
	if root == null:
		return
	var scenes: Array[PackedScene] = []
	for path: String in paths:
		var scene := load(path) as PackedScene
		if scene != null:
			scenes.append(scene)
	root.set("scenarios", scenes)
	var packed := PackedScene.new()
	var err := packed.pack(root)
	root.free()
	if err == OK:
		err = ResourceSaver.save(packed, SCENE_PATH)
	if err != OK:
		push_error("benchgen: cannot save %s: %s" % [SCENE_PATH, error_string(err)])
		return
	EditorInterface.get_resource_filesystem().scan()


func _add_to_open_scene(root: Node, paths: PackedStringArray) -> PackedStringArray:
	var old: Array[PackedScene] = root.get("scenarios")
	var old_paths := PackedStringArray()
	for scene: PackedScene in old:
		old_paths.append(scene.resource_path if scene != null else "")
	var wanted := _merged(old_paths, paths)
	var scenes: Array[PackedScene] = old.duplicate()
	for path: String in wanted.slice(old_paths.size()):
		var scene := load(path) as PackedScene
		if scene != null:
			scenes.append(scene)
	_undo_redo.create_action(
		"benchgen: add %d scenario(s) to the benchmark" % paths.size(), UndoRedo.MERGE_DISABLE, root
	)
	_undo_redo.add_do_property(root, "scenarios", scenes)
	_undo_redo.add_undo_property(root, "scenarios", old)
	_undo_redo.commit_action()
	return wanted


func _instantiate() -> Node:
	var packed := load(SCENE_PATH) as PackedScene
	if packed == null:
		push_error("benchgen: cannot load %s." % SCENE_PATH)
		return null
	return packed.instantiate(PackedScene.GEN_EDIT_STATE_INSTANCE)


static func _merged(old: PackedStringArray, paths: PackedStringArray) -> PackedStringArray:
	var merged := old.duplicate()
	for path: String in paths:
		if not merged.has(path):
			merged.append(path)
	return merged
