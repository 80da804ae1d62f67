"""problem.json: the scenario's numbers and action space, never the reference solution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchgen.families import family_names, get_family
from benchgen.pipeline.build import make_spec
from benchgen.spec import problem_json_schema, problem_of, solution_json_schema
from benchgen.spec.models import Placement, PushAction, ReferenceSolution, ScenarioSpec

#: Numbers no layout produces by chance: a leak of the reference would print them.
MARKERS = [1.2345678, -2.7182818, 0.4142136, 3.1415926, -1.6180339]


def _specs(name: str, seeds: range = range(4)) -> list[ScenarioSpec]:
    family = get_family(name)
    return [make_spec(family, s, family.sample(s), family.build(family.sample(s))) for s in seeds]


def _marked(spec: ScenarioSpec) -> ScenarioSpec:
    reference = ReferenceSolution(
        push=PushAction(velocity=MARKERS[:3]),
        parts=[Placement(kind=p.kind, position=MARKERS[2:], rotation_deg=[0, 0, MARKERS[0]])
               for p in spec.reference_solution.parts],
        description=f"push at {MARKERS[0]} m/s",
    )  # fmt: skip
    return spec.model_copy(update={"reference_solution": reference})


@pytest.mark.parametrize("name", family_names())
def test_the_problem_does_not_depend_on_the_reference(name: str) -> None:
    """Whatever the reference solution is, the problem a solver gets is the same bytes."""
    for spec in _specs(name):
        assert problem_of(_marked(spec)) == problem_of(spec)


@pytest.mark.parametrize("name", family_names())
def test_no_reference_number_appears_in_the_problem(name: str) -> None:
    """No number of the text is a marker, in full or rounded (a substring test would take
    the scene's own 1.2356652 for the marker 1.2345678 rounded to 1.235)."""
    for spec in _specs(name, range(2)):
        text = json.dumps(problem_of(_marked(spec)).model_dump(mode="json"))
        numbers = set(re.findall(r"\d+\.\d+", text))
        for marker in MARKERS:
            for shown in (str(abs(marker)), *(f"{abs(marker):.{d}f}" for d in (3, 4, 6))):
                assert shown not in numbers, (name, marker)


def test_a_leaked_marker_would_be_found() -> None:
    """The check above can fail: a rounded marker in the task text is caught."""
    text = json.dumps({"task": f"push at {MARKERS[0]:.3f} m/s", "size": [1.2356652]})
    numbers = set(re.findall(r"\d+\.\d+", text))
    assert f"{MARKERS[0]:.3f}" in numbers and f"{MARKERS[1]:.3f}".lstrip("-") not in numbers


def test_the_task_text_gives_the_numbers_a_solver_needs() -> None:
    (spec,) = _specs("push_to_goal", range(1))
    problem = problem_of(spec)
    assert f"{spec.success.seconds:.2f} s" in problem.task
    assert f"{spec.action_space.push.max_speed:.3f} m/s" in problem.task
    assert "gravity is 9.81" in problem.task
    numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", problem.task)]
    assert round(spec.goal_zone.center[0], 3) in numbers


def test_generated_problems_match_their_schema(ramp_dataset: Path) -> None:
    import jsonschema

    schema = problem_json_schema()
    paths = list(ramp_dataset.glob("*/*/problem.json"))
    assert paths
    for path in paths:
        jsonschema.validate(json.loads(path.read_text()), schema)


def test_the_reference_is_a_valid_solution_document(ramp_dataset: Path) -> None:
    """The reference, minus its description, is a solution in the documented format."""
    import jsonschema

    spec_path = next(ramp_dataset.glob("*/*/scenario.json"))
    reference = json.loads(spec_path.read_text())["reference_solution"]
    reference.pop("description")
    jsonschema.validate(reference, solution_json_schema())
