extends Node
## A tiny GDScript test harness, run by the benchmark runner's [code]--tests[/code] option.
##
## Runs every [code]func test_*()[/code] of every [code]res://tests/godot/test_*.gd[/code]
## (each script extends [code]test_case.gd[/code]) and prints one line per test:
## [code]BENCHGEN_TEST PASS file::name[/code] or [code]BENCHGEN_TEST FAIL file::name: why[/code],
## then [code]BENCHGEN_TESTS passed=N failed=M[/code]. A test passes when it made no failed
## check and reached its final [code]done()[/code] call.

const TEST_DIR := "res://tests/godot/"


## Run all tests and return how many failed.
func run_all() -> int:
	var passed := 0
	var failed := 0
	for file_name: String in _test_files():
		var script := load(TEST_DIR + file_name) as GDScript
		if script == null:
			print("BENCHGEN_TEST FAIL %s::load: the script did not load" % file_name)
			failed += 1
			continue
		for method: Dictionary in script.get_script_method_list():
			var test_name: String = method["name"]
			if not test_name.begins_with("test_"):
				continue
			var case: Node = script.new()
			add_child(case)
			var started := Time.get_ticks_msec()
			await case.call(test_name)
			var problems: PackedStringArray = case.get("failures")
			if not case.get("finished"):
				problems.append("stopped before done() (a script error? release builds print none)")
			var label := "%s::%s" % [file_name, test_name]
			var ms := Time.get_ticks_msec() - started
			if problems.is_empty():
				print("BENCHGEN_TEST PASS %s (%d ms)" % [label, ms])
				passed += 1
			else:
				print("BENCHGEN_TEST FAIL %s: %s" % [label, "; ".join(problems)])
				failed += 1
			remove_child(case)
			case.queue_free()
			await get_tree().process_frame
	print("BENCHGEN_TESTS passed=%d failed=%d" % [passed, failed])
	return failed


func _test_files() -> PackedStringArray:
	var files := PackedStringArray()
	for file_name: String in DirAccess.get_files_at(TEST_DIR):
		if file_name.begins_with("test_") and file_name.ends_with(".gd"):
			if file_name != "test_runner.gd":
				files.append(file_name)
	files.sort()
	return files
