"""Schemathesis fuzzes every operation of /openapi.json on a live server: never a 5xx.

Generation and Godot are stand-ins here (jobs finish at once), so hundreds of generated
job requests cost nothing; the real pipeline is exercised in test_api.py. (Schemathesis'
lazy pytest fixture loader does not run on pytest 9, so operations are looped here.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from benchgen.server import create_app

from .conftest import LiveServer, fake_godot, make_project

pytestmark = pytest.mark.slow  # schemathesis over the live API

EXAMPLES_PER_OPERATION = int(__import__("os").environ.get("BENCHGEN_FUZZ_EXAMPLES", "20"))
# Schema-valid is not always acceptable: a family's params depend on the family, and an
# id of the right shape may name nothing (404). Every other check stays on.
SEMANTIC_CHECKS = [positive_data_acceptance]


def _instant_generate(
    request: dict[str, Any], _out: Path, _workers: int, emit: Any, _cancel: threading.Event
) -> dict[str, Any]:
    emit("stage", {"family": request["family"], "scenario_id": "x-000000-abcdef", "stage": "cad"})
    return {"promoted": 0, "rejected": 0, "attempts": 0, "cancelled": False}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    project = make_project(tmp_path_factory.mktemp("fuzz"))
    app = create_app(
        project / "scenarios",
        project_dir=project,
        generate_runner=_instant_generate,
        godot_runner=fake_godot,
    )
    with LiveServer(app) as server:
        yield server


def _fuzz(operation: Any, mode: GenerationMode, base_url: str) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, excluded_checks=SEMANTIC_CHECKS)

    run()


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param(GenerationMode.POSITIVE, id="positive"),
        pytest.param(GenerationMode.NEGATIVE, id="negative"),
    ],
)
def test_no_operation_answers_5xx(fuzz_server: LiveServer, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        try:
            _fuzz(operation, mode, fuzz_server.url)
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in the operation can be invalid
        except Exception as exc:
            failures[operation.label] = f"{exc.__class__.__name__}: {str(exc)[:1500]}"
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    with fuzz_server.client() as client:
        assert client.get("/api/health").status_code == 200
