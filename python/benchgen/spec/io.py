"""Read and write scenario.json: canonical bytes, schema-checked, errors that say what to fix."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from benchgen.errors import InvalidSpecError
from benchgen.spec.models import ScenarioSpec

__all__ = ["canonical_json", "dump_spec", "load_spec", "spec_json_schema"]

_MAX_SPEC_BYTES = 16 * 2**20


def _round(value: Any) -> Any:
    """Round floats to 1e-9 so the file does not carry platform noise in the last digits."""
    if isinstance(value, float):
        return round(value, 9) + 0.0
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def canonical_json(data: Any) -> str:
    """Serialise ``data`` deterministically: sorted keys, rounded floats, trailing newline."""
    return json.dumps(_round(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def dump_spec(spec: ScenarioSpec) -> str:
    """Return the canonical scenario.json text of ``spec``."""
    return canonical_json(spec.model_dump(mode="json"))


def _explain(exc: ValidationError, source: str) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
    return f"{source} is not a valid scenario spec: field '{where}': {first['msg']}{more}."


def _read_text(path: Path) -> str:
    """Read a scenario.json that may come from untrusted code: no link, no FIFO, UTF-8."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InvalidSpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidSpecError(f"{path} is not a regular file; regenerate the scenario")
        data = handle.read(_MAX_SPEC_BYTES + 1)
    if len(data) > _MAX_SPEC_BYTES:
        raise InvalidSpecError(f"{path} is over {_MAX_SPEC_BYTES} bytes; regenerate it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidSpecError(
            f"{path} is not UTF-8 text (byte {exc.start}); regenerate it with `benchgen generate`"
        ) from exc


def load_spec(path: Path | str) -> ScenarioSpec:
    """Load and validate a scenario.json.

    Args:
        path: the scenario.json file, or the scenario folder holding it.

    Returns:
        The validated spec.

    Raises:
        InvalidSpecError: the file is missing, not JSON, or fails the schema.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "scenario.json"
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidSpecError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "regenerate it with `benchgen generate` or fix the syntax"
        ) from exc
    if not isinstance(data, dict):
        raise InvalidSpecError(f"{path} must hold a JSON object, not {type(data).__name__}")
    try:
        return ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidSpecError(_explain(exc, str(path))) from exc


def spec_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of scenario.json."""
    schema = ScenarioSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "benchgen ScenarioSpec"
    return schema
