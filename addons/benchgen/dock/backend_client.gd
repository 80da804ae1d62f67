class_name BenchgenBackendClient
extends Node
## HTTP client of the benchgen backend ([code]benchgen serve[/code]): JSON in, JSON out.
##
## Each call makes its own [HTTPRequest] child (one node runs one request at a time), so
## a poll and a thumbnail download can overlap. Calls are coroutines returning a
## [BenchgenBackendClient.Response]; failures carry a sentence in
## [member BenchgenBackendClient.Response.error], never [code]null[/code] alone.
## No editor API is used: the same client runs in the editor and in the web runtime.

## Emitted when any request finished; [param data] is the parsed JSON (or the raw bytes
## of a binary download), [param error] is empty when [param ok].
signal request_finished(ok: bool, data: Variant, error: String)

## ProjectSettings key of the backend URL used outside the web runtime.
const URL_SETTING := "benchgen/backend/url"
## Backend URL when the setting is absent (what [code]benchgen serve[/code] listens on).
const DEFAULT_URL := "http://127.0.0.1:8765"
## ProjectSettings key of the token [code]benchgen serve --token[/code] (and
## [code]--allow-remote[/code]) writes at start; sent as a bearer token when set.
const TOKEN_SETTING := "benchgen/backend/token"
## Seconds before a request is abandoned.
const TIMEOUT_S := 15.0


## The outcome of one request.
class Response:
	extends RefCounted
	## True for a 2xx answer whose body parsed.
	var ok: bool = false
	## The HTTP status (0 when no answer arrived).
	var status: int = 0
	## The parsed JSON body, or the raw bytes of a binary download.
	var data: Variant = null
	## Why the request failed, as a sentence; empty when [member ok].
	var error: String = ""


## Absolute URL of the backend without a trailing slash, e.g. [code]http://127.0.0.1:8765[/code].
var base_url: String = DEFAULT_URL

var _pending: Array[HTTPRequest] = []
var _closing: bool = false


func _init() -> void:
	base_url = default_base_url()


func _enter_tree() -> void:
	_closing = false


func _exit_tree() -> void:
	# Finish every request in flight (as failed): a coroutine still awaiting a request of
	# a freed HTTPRequest would be left over when the editor quits or the plugin goes.
	_closing = true
	for http: HTTPRequest in _pending.duplicate():
		http.cancel_request()
		http.request_completed.emit(
			HTTPRequest.RESULT_CANT_CONNECT, 0, PackedStringArray(), PackedByteArray()
		)


## Return the backend URL: the page's own origin in the web runtime (the backend serves the
## page, so requests are same-origin), else the [constant URL_SETTING] project setting.
static func default_base_url() -> String:
	if OS.has_feature("web"):
		var origin: Variant = JavaScriptBridge.eval("location.origin", true)
		if origin is String and not (origin as String).is_empty():
			return (origin as String).trim_suffix("/")
	var url: String = ProjectSettings.get_setting(URL_SETTING, DEFAULT_URL)
	return url.strip_edges().trim_suffix("/")


## Return [param path] as an absolute URL ([HTTPRequest] needs one in the web runtime).
func url_for(path: String) -> String:
	if path.begins_with("http://") or path.begins_with("https://"):
		return path
	return base_url + ("" if path.begins_with("/") else "/") + path


## GET [param path] and parse its JSON.
func get_json(path: String) -> Response:
	return await send(HTTPClient.METHOD_GET, path, null)


## POST [param body] as JSON to [param path] and parse the JSON answer.
func post_json(path: String, body: Variant) -> Response:
	return await send(HTTPClient.METHOD_POST, path, body)


## DELETE [param path] and parse the JSON answer.
func delete_json(path: String) -> Response:
	return await send(HTTPClient.METHOD_DELETE, path, null)


## GET [param path] as raw bytes (a PNG thumbnail, say) in [member Response.data].
func get_bytes(path: String) -> Response:
	return await send(HTTPClient.METHOD_GET, path, null, false)


## Return the headers of a request: JSON accepted, a JSON body when [param has_body], and
## the bearer token of [constant TOKEN_SETTING] when the project setting is set.
static func request_headers(has_body: bool) -> PackedStringArray:
	var headers := PackedStringArray(["Accept: application/json"])
	if has_body:
		headers.append("Content-Type: application/json")
	var token: String = str(ProjectSettings.get_setting(TOKEN_SETTING, "")).strip_edges()
	if not token.is_empty():
		headers.append("Authorization: Bearer %s" % token)
	return headers


## Send one request; [param body] (when not null) goes as JSON. With [param json] false
## the answer is returned as bytes.
func send(method: HTTPClient.Method, path: String, body: Variant, json: bool = true) -> Response:
	var url := url_for(path)
	var response := Response.new()
	if _closing or not is_inside_tree():
		response.error = "cannot send %s %s: the client has left the tree" % [_verb(method), url]
		return response
	var http := HTTPRequest.new()
	http.timeout = TIMEOUT_S
	add_child(http)
	var headers := request_headers(body != null)
	var payload := "" if body == null else JSON.stringify(body)
	var err := http.request(url, headers, method, payload)
	if err != OK:
		response.error = "cannot send %s %s: %s" % [_verb(method), url, error_string(err)]
	else:
		_pending.append(http)
		var answer: Array = await http.request_completed
		_pending.erase(http)
		_read(response, method, url, answer, json)
	http.queue_free()
	request_finished.emit(response.ok, response.data, response.error)
	return response


## Return the message of an error answer: FastAPI's [code]detail[/code] (a string, or a
## list of field errors) or our [code]message[/code], else the body text.
static func error_detail(body: PackedByteArray) -> String:
	var text := body.get_string_from_utf8()
	var parsed: Variant = JSON.parse_string(text)
	if parsed is Dictionary:
		var dict := parsed as Dictionary
		if dict.get("message") is String:
			return dict["message"]
		if dict.get("detail") is String:
			return dict["detail"]
		if dict.get("detail") is Array:
			return JSON.stringify(dict["detail"])
	return text.strip_edges().left(300)


func _read(response: Response, method: int, url: String, answer: Array, json: bool) -> void:
	var result: int = answer[0]
	response.status = answer[1]
	var body: PackedByteArray = answer[3]
	var what := "%s %s" % [_verb(method), url]
	if result != HTTPRequest.RESULT_SUCCESS:
		response.error = (
			"cannot reach the backend (%s: %s); is `benchgen serve` running?"
			% [what, _result_text(result)]
		)
		return
	if response.status < 200 or response.status >= 300:
		response.error = "%s answered %d: %s" % [what, response.status, error_detail(body)]
		return
	if not json:
		response.data = body
		response.ok = true
		return
	var parser := JSON.new()
	var err := parser.parse(body.get_string_from_utf8())
	if err != OK:
		response.error = (
			"%s answered with invalid JSON (line %d: %s)"
			% [what, parser.get_error_line(), parser.get_error_message()]
		)
		return
	response.data = parser.data
	response.ok = true


static func _verb(method: int) -> String:
	match method:
		HTTPClient.METHOD_POST:
			return "POST"
		HTTPClient.METHOD_DELETE:
			return "DELETE"
		HTTPClient.METHOD_PUT:
			return "PUT"
	return "GET"


static func _result_text(result: int) -> String:
	match result:
		HTTPRequest.RESULT_CANT_CONNECT:
			return "connection refused"
		HTTPRequest.RESULT_CANT_RESOLVE:
			return "host not found"
		HTTPRequest.RESULT_CONNECTION_ERROR:
			return "connection error"
		HTTPRequest.RESULT_TIMEOUT:
			return "timed out after %d s" % int(TIMEOUT_S)
		HTTPRequest.RESULT_NO_RESPONSE:
			return "no response"
		HTTPRequest.RESULT_BODY_SIZE_LIMIT_EXCEEDED:
			return "body too large"
	return "HTTPRequest result %d" % result
