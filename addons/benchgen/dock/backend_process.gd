class_name BenchgenBackendProcess
extends RefCounted
## A local backend process the dock can start and stop ([code]benchgen serve[/code]).
##
## The command comes from the [constant COMMAND_SETTING] project setting; [code]{project}[/code]
## in it is replaced by the project folder, so the default serves [code]res://scenarios[/code]
## and the benchmark can load the generated scenes. Desktop editor only: the web runtime
## cannot start processes ([method OS.create_process] fails there).

## ProjectSettings key of the command starting the backend.
const COMMAND_SETTING := "benchgen/backend/command"
## The command when the setting is absent; keep its port in step with the URL setting.
const DEFAULT_COMMAND := "benchgen serve --host 127.0.0.1 --port 8765 --out {project}/scenarios"

## The process id while a backend started here runs; 0 otherwise.
var pid: int = 0


## Add the backend settings ([constant COMMAND_SETTING] and the client's URL) to the
## project settings with their defaults, when missing.
static func register_settings() -> void:
	_register(COMMAND_SETTING, DEFAULT_COMMAND, "The command starting the benchgen backend.")
	_register(
		BenchgenBackendClient.URL_SETTING,
		BenchgenBackendClient.DEFAULT_URL,
		"The URL of the benchgen backend (outside the web runtime)."
	)


## Return the command of [param command] split into words, [code]{project}[/code] replaced
## by [param project_dir]; words in double quotes keep their spaces.
static func command_argv(command: String, project_dir: String) -> PackedStringArray:
	var words := PackedStringArray()
	var word := ""
	var quoted := false
	var started := false
	for character: String in command.replace("{project}", project_dir.trim_suffix("/")):
		if character == '"':
			quoted = not quoted
			started = true
		elif character in [" ", "\t"] and not quoted:
			if started:
				words.append(word)
			word = ""
			started = false
		else:
			word += character
			started = true
	if started:
		words.append(word)
	return words


## Start the backend with the configured command; return the error.
func start() -> Error:
	if is_running():
		return ERR_ALREADY_IN_USE
	var command: String = ProjectSettings.get_setting(COMMAND_SETTING, DEFAULT_COMMAND)
	var argv := command_argv(command, ProjectSettings.globalize_path("res://"))
	if argv.is_empty():
		push_error("benchgen: the setting %s is empty; set the backend command." % COMMAND_SETTING)
		return ERR_INVALID_PARAMETER
	var new_pid := OS.create_process(argv[0], argv.slice(1))
	if new_pid <= 0:
		push_error("benchgen: cannot start `%s`; is benchgen installed and on PATH?" % command)
		return ERR_CANT_CREATE
	pid = new_pid
	return OK


## Stop the backend started by [method start]; return the error.
func stop() -> Error:
	if pid <= 0:
		return ERR_DOES_NOT_EXIST
	var err := OS.kill(pid)
	pid = 0
	return err


## Return True while the backend started here is alive.
func is_running() -> bool:
	return pid > 0 and OS.is_process_running(pid)


static func _register(key: String, value: String, hint: String) -> void:
	if not ProjectSettings.has_setting(key):
		ProjectSettings.set_setting(key, value)
	ProjectSettings.set_initial_value(key, value)
	ProjectSettings.add_property_info(
		{"name": key, "type": TYPE_STRING, "hint": PROPERTY_HINT_NONE, "hint_string": hint}
	)
