extends "res://tests/godot/test_case.gd"
## BenchgenRunArgs: the runner's user arguments.


func test_parses_every_option() -> void:
	var args := (
		BenchgenRunArgs
		. parse(
			PackedStringArray(
				[
					"--scenarios=scenarios/ramp/*",
					"--iterations=7",
					"--timeout=2.5",
					"--agent=oracle",
					"--out=user://r.json",
					"--seed=3",
					"--speed=4",
					"--tests",
				]
			)
		)
	)
	check_eq(args.error, "", "error")
	check_eq(args.scenarios_glob, "res://scenarios/ramp/*", "glob")
	check_eq(args.iterations, 7, "iterations")
	check_eq(args.timeout_s, 2.5, "timeout")
	check_eq(args.agent, "oracle", "agent")
	check_eq(args.out_path, "user://r.json", "out")
	check_eq(args.rng_seed, 3, "seed")
	check_eq(args.speed, 4.0, "speed")
	check(args.tests, "--tests not set")
	done()


func test_defaults() -> void:
	var args := BenchgenRunArgs.parse(PackedStringArray())
	check_eq(args.error, "", "error")
	check_eq(args.agent, "null", "agent")
	check_eq(args.iterations, 0, "iterations")
	check_eq(args.scenarios_glob, "", "glob")
	done()


func test_rejects_bad_values() -> void:
	var bad_args: PackedStringArray = [
		"--agent=human",
		"--iterations=0",
		"--iterations=x",
		"--timeout=-1",
		"--bogus",
		"--shard=2/2",
		"--shard=-1/2",
		"--shard=1",
		"--shard=0/0",
	]
	for bad: String in bad_args:
		var args := BenchgenRunArgs.parse(PackedStringArray([bad]))
		check(not args.error.is_empty(), "%s was accepted" % bad)
	done()


func test_keeps_absolute_globs() -> void:
	check_eq(BenchgenRunArgs.normalize_glob("res://a/*.tscn"), "res://a/*.tscn", "res glob")
	check_eq(BenchgenRunArgs.normalize_glob("/a/*.tscn"), "res://a/*.tscn", "rooted glob")
	done()


func test_shard() -> void:
	var args := BenchgenRunArgs.parse(PackedStringArray(["--shard=1/3"]))
	check_eq(args.error, "", "error")
	check_eq([args.shard_index, args.shard_count], [1, 3], "shard")
	var whole := BenchgenRunArgs.parse(PackedStringArray())
	check_eq([whole.shard_index, whole.shard_count], [0, 1], "default: one shard, all scenes")
	done()
