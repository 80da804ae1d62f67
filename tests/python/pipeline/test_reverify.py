"""verify --rebuild: a built-in family's own script rebuilds here, any other only in the sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchgen.pipeline import reverify, reverify_folder
from benchgen.spec.folder import SCENARIO_JSON, SCRIPT_PY, file_hashes
from benchgen.spec.io import dump_spec, load_spec


@pytest.fixture
def scenario(ramp_dataset: Path, tmp_path: Path) -> Path:
    source = next(ramp_dataset.glob("push_to_goal/*/"))
    copy = tmp_path / "data" / "push_to_goal" / source.name
    shutil.copytree(source, copy)
    return copy


def _rehash(folder: Path) -> None:
    spec = load_spec(folder)
    spec.files = file_hashes(folder)
    (folder / SCENARIO_JSON).write_text(dump_spec(spec))


def test_a_builtin_familys_own_script_is_rebuilt_without_the_sandbox(
    scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sandbox(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a built-in family's exact script.py needs no sandbox")

    monkeypatch.setattr(reverify, "run_sandboxed", no_sandbox)
    report = reverify_folder(scenario)
    assert report.ok, report.checks


@pytest.mark.slow
def test_an_edited_script_runs_only_in_the_sandbox(
    scenario: Path, tmp_path: Path, bwrap: str
) -> None:
    marker = Path("/var/tmp") / f"benchgen-marker-{tmp_path.name}"
    marker.unlink(missing_ok=True)
    script = scenario / SCRIPT_PY
    text = script.read_text()
    payload = f"\nopen({str(marker)!r}, 'w').write('ran on the host')\n"
    script.write_text(text.replace("\nclass ", payload + "\nclass ", 1))
    _rehash(scenario)
    report = reverify_folder(scenario)
    deterministic = next(c for c in report.checks if c.name == "deterministic")
    assert not marker.exists(), "the edited script.py ran on the host"
    # In the sandbox the marker's folder does not exist, so the import fails there.
    assert not deterministic.passed
    assert "the sandboxed rebuild raised" in deterministic.detail


@pytest.mark.slow
def test_an_edited_script_that_builds_is_rebuilt_in_the_sandbox(
    scenario: Path, monkeypatch: pytest.MonkeyPatch, bwrap: str
) -> None:
    calls: list[Path] = []
    real = reverify.run_sandboxed

    def counting(script: Path, **kwargs: object) -> object:
        calls.append(script)
        return real(script, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reverify, "run_sandboxed", counting)
    script = scenario / SCRIPT_PY
    script.write_text(script.read_text().replace("\nclass ", "\n# edited\nclass ", 1))
    _rehash(scenario)
    report = reverify_folder(scenario)
    assert len(calls) == 1
    assert report.ok, report.checks  # the same family code, so the same bytes
