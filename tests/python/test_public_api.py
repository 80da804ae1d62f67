"""Every stage package lists its public names in ``__all__``, and each of them exists."""

from __future__ import annotations

import importlib

import pytest

STAGES = [
    "benchgen.spec",
    "benchgen.families",
    "benchgen.cad",
    "benchgen.mjcf",
    "benchgen.verify",
    "benchgen.render",
    "benchgen.export",
    "benchgen.godot",
    "benchgen.store",
    "benchgen.sandbox",
    "benchgen.pipeline",
    "benchgen.agent",
    "benchgen.eval",
    "benchgen.eval.agents",
    "benchgen.gym",
    "benchgen.server",
    "benchgen.orchestration",
    "benchgen.errors",
]


@pytest.mark.parametrize("name", STAGES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported, f"{name}.__all__ is empty"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing attributes: {missing}"


def test_every_error_derives_from_benchgen_error() -> None:
    from benchgen import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.BenchgenError)


def test_the_stage_packages_in_folder_order_are_all_listed() -> None:
    """A reader follows a scenario by reading the stage folders in order (docs/architecture.md)."""
    from pathlib import Path

    root = Path(importlib.import_module("benchgen").__file__).parent
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    listed = {s.split(".")[1] for s in STAGES if s.count(".") == 1} | {"cli"}
    assert packages <= listed | {"errors"}, packages - listed
