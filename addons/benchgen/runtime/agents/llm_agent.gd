class_name BenchgenLLMAgent
extends BenchgenAgentPolicy
## The seed's agent driven by an LLM: it acts through the backend's [code]POST /api/solve[/code].
##
## Before each iteration (one attempt) it holds the scenario (the tree is paused before the
## iteration's first physics tick) and asks the backend for a solution. The backend gives
## the LLM the scenario's context — the world, its parts as boxes, the moved object, the
## zones, the goal text, what may be placed and how hard it may push — and the earlier
## attempts with the outcomes Godot observed; it checks the answer against the action
## space, simulates it in MuJoCo, and returns it in Godot's frame. When the iteration
## starts the agent places the parts and gives the push, as the oracle replays the
## reference. [method finish] adds every attempt, with both engines' outcomes, to the
## results.

## The backend's solve endpoint.
const SOLVE_PATH := "/api/solve"
## MuJoCo outcomes of solutions that were never simulated (Godot then applies nothing).
const NOT_SIMULATED: PackedStringArray = ["INVALID_ACTION", "ENDPOINT_ERROR"]

## Base URL of the benchgen backend ([code]benchgen serve[/code]).
var backend_url: String = "http://127.0.0.1:8765"
## The backend's solver: [code]llm[/code] (with [member config]) or a baseline name.
var solver: String = "llm"
## The LLM configuration of the backend's llm_configs.yaml; empty for its default.
var config: String = ""
## The backend's token, when it asks for one (default: the dock's project setting).
var token: String = str(ProjectSettings.get_setting("benchgen/backend/token", "")).strip_edges()
## Real seconds one request may take (an LLM answer, retries included).
var request_timeout_s: float = 900.0

var _http: HTTPRequest
var _manager: BenchgenScenarioManager
var _scenario_id: String = ""
var _history: Array[Dictionary] = []
var _pending: Dictionary = {}
var _attempts: Array[Dictionary] = []


## Take the backend, configuration and token from the runner's [param args].
func configure(args: BenchgenRunArgs) -> void:
	backend_url = args.backend_url
	config = args.config
	if not args.token.is_empty():
		token = args.token


## Attach to [param manager] before its first iteration and fetch the first solution.
func begin(manager: BenchgenScenarioManager) -> void:
	_manager = manager
	_scenario_id = str(manager.get_meta("benchgen_id", ""))
	_history.clear()
	_pending = {}
	if _http == null:
		_http = HTTPRequest.new()
		_http.name = "BenchgenLLMAgentHTTP"
		_http.process_mode = Node.PROCESS_MODE_ALWAYS
		_http.timeout = request_timeout_s
		# Beside the manager: its own children are swapped every iteration.
		manager.get_parent().add_child(_http)
	manager.scenario_succeeded.connect(_on_outcome.bind(true, ""))
	manager.scenario_failed.connect(func(reason: String) -> void: _on_outcome(false, reason))
	_fetch()


## Apply the solution fetched for this iteration: parts first, then the push.
func act(manager: BenchgenScenarioManager) -> void:
	var godot: Variant = _pending.get("godot")
	if not (godot is Dictionary):
		return  # no usable answer: this attempt does nothing, and fails
	var shapes: Array[Shape3D] = []
	var xforms: Array[Transform3D] = []
	for piece: Dictionary in godot["pieces"]:
		var shape := ConvexPolygonShape3D.new()
		shape.margin = 0.001
		shape.points = _points(piece["points"])
		shapes.append(shape)
		var b: Array = piece["basis"]
		var basis := Basis(
			Vector3(b[0], b[3], b[6]), Vector3(b[1], b[4], b[7]), Vector3(b[2], b[5], b[8])
		)
		xforms.append(Transform3D(basis, _vector(piece["origin"])))
	if not shapes.is_empty():
		manager.place_shapes(shapes, xforms, float(godot["piece_friction"]))
	var push := _vector(godot["push_velocity"])
	var body := manager.get_moved_body()
	if push != Vector3.ZERO and body != null:
		body.linear_velocity = push


## Add every attempt (solution, MuJoCo and Godot outcomes) and their agreement to
## [param report], and print the agreement.
func finish(report: Dictionary) -> void:
	var agree := 0
	var compared := 0
	for entry: Dictionary in _attempts:
		compared += int(entry["agree"] != null)
		agree += int(entry["agree"] == true)
	report["solver"] = {"backend": backend_url, "agent": solver, "config": config}
	report["attempts"] = _attempts.duplicate(true)
	report["agreement"] = {"attempts": _attempts.size(), "compared": compared, "same_outcome": agree}
	print(
		(
			"mujoco/godot agreement: %d of %d simulated attempts had the same outcome (%d attempts)"
			% [agree, compared, _attempts.size()]
		)
	)
	if _http != null:
		_http.queue_free()
		_http = null


func _fetch() -> void:
	if _manager == null or _history.size() >= _manager.max_iterations:
		return
	var tree := _manager.get_tree()
	tree.paused = true
	var body := {
		"scenario_id": _scenario_id,
		"agent": solver,
		"config": config if not config.is_empty() else null,
		"attempts": _manager.max_iterations,
		"seed": rng.seed % 2147483648,
		"history": _history,
	}
	var headers := PackedStringArray(["Content-Type: application/json"])
	if not token.is_empty():
		headers.append("Authorization: Bearer %s" % token)
	var err := _http.request(
		backend_url + SOLVE_PATH, headers, HTTPClient.METHOD_POST, JSON.stringify(body)
	)
	if err != OK:
		_pending = {"error": "cannot reach %s: %s" % [backend_url, error_string(err)]}
		push_warning("benchgen: " + str(_pending["error"]))
		tree.paused = false
		return
	var reply: Array = await _http.request_completed
	_pending = _answer(reply[0], reply[1], reply[3])
	tree.paused = false


func _answer(result: int, status: int, raw: PackedByteArray) -> Dictionary:
	var text := raw.get_string_from_utf8()
	if result != HTTPRequest.RESULT_SUCCESS:
		return {"error": "the backend did not answer (HTTPRequest result %d)" % result}
	var parsed: Variant = JSON.parse_string(text)
	if status != 200 or not (parsed is Dictionary):
		return {"error": "the backend answered %d: %s" % [status, text.left(300)]}
	return parsed


func _on_outcome(success: bool, reason: String) -> void:
	var records: Array = _manager.get_results()["iterations"]
	var record: Dictionary = records[-1] if not records.is_empty() else {}
	var body := _manager.get_moved_body()
	var final_position: Variant = null
	if body != null:
		var p := body.global_position
		final_position = [snappedf(p.x, 1e-4), snappedf(-p.z, 1e-4), snappedf(p.y, 1e-4)]
	var outcome := {
		"success": success,
		"reason": null if success else reason,
		"detail": "in Godot (%s)" % ProjectSettings.get_setting("physics/3d/physics_engine"),
		"final_position": final_position,
		"entered_s": record.get("entered_s"),
		"won_s": record.get("won_s"),
		"sim_time_s": _manager.get_elapsed_s(),
	}
	var proposal: Dictionary = _pending.get("proposal", {})
	_history.append(
		{
			"solution": proposal.get("solution"),
			"answer": proposal.get("answer", ""),
			"messages": proposal.get("messages", []),
			"outcome": outcome,
		}
	)
	var mujoco: Variant = _pending.get("mujoco")
	_attempts.append(
		{
			"scenario": _scenario_id,
			"attempt": _history.size(),
			"solution": proposal.get("solution"),
			"tokens": proposal.get("tokens", {}),
			"agent_seconds": proposal.get("agent_seconds", 0.0),
			"error": _pending.get("error", proposal.get("error")),
			"mujoco": mujoco,
			"godot": outcome,
			# Compared only where both engines ran the solution (not refused, not unanswered).
			"agree": _agrees(mujoco, success),
		}
	)
	_pending = {}
	_fetch()


func _agrees(mujoco: Variant, success: bool) -> Variant:
	if not mujoco is Dictionary or str(mujoco.get("reason")) in NOT_SIMULATED:
		return null
	return bool(mujoco["success"]) == success


func _points(values: Array) -> PackedVector3Array:
	var points := PackedVector3Array()
	for value: Array in values:
		points.append(_vector(value))
	return points


func _vector(value: Array) -> Vector3:
	return Vector3(float(value[0]), float(value[1]), float(value[2]))
