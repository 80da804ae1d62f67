"""constraints.txt (the lock setup.sh and CI install from) agrees with pyproject.toml."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
LOCK = {
    canonicalize_name(name): version
    for name, version in (
        line.split("==")
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
}
DECLARED = [
    Requirement(r)
    for group in [PROJECT["dependencies"], *PROJECT["optional-dependencies"].values()]
    for r in group
    if not r.startswith("benchgen[")
]
#: The packages whose versions change output bytes: pinned exactly in pyproject.toml.
BYTE_PINS = ["build123d", "cadquery-ocp-novtk", "mujoco", "numpy", "pillow", "imageio-ffmpeg"]


@pytest.mark.parametrize("req", DECLARED, ids=str)
def test_every_declared_package_is_locked_within_its_bounds(req: Requirement) -> None:
    name = canonicalize_name(req.name)
    assert name in LOCK, f"{req.name} is not in constraints.txt: run scripts/lock.py"
    assert req.specifier.contains(LOCK[name], prereleases=True), (req, LOCK[name])


@pytest.mark.parametrize("name", BYTE_PINS)
def test_output_changing_packages_are_pinned_and_installed_at_the_pin(name: str) -> None:
    pins = {
        canonicalize_name(r.name): str(r.specifier)
        for r in map(Requirement, PROJECT["dependencies"])
    }
    assert pins[canonicalize_name(name)] == f"=={LOCK[canonicalize_name(name)]}"
    assert metadata.version(name) == LOCK[canonicalize_name(name)]
