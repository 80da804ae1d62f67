extends "res://tests/godot/test_case.gd"
## BenchgenBackendClient: the token benchgen serve writes to the project setting is sent.


func test_headers_carry_the_token_only_when_set() -> void:
	var key := BenchgenBackendClient.TOKEN_SETTING
	var before: Variant = ProjectSettings.get_setting(key, "")
	ProjectSettings.set_setting(key, "")
	var plain := BenchgenBackendClient.request_headers(true)
	check_eq(
		plain,
		PackedStringArray(["Accept: application/json", "Content-Type: application/json"]),
		"no token"
	)
	ProjectSettings.set_setting(key, " s3cret \n")
	var signed := BenchgenBackendClient.request_headers(false)
	check_eq(
		signed,
		PackedStringArray(["Accept: application/json", "Authorization: Bearer s3cret"]),
		"token"
	)
	ProjectSettings.set_setting(key, before)
	done()
