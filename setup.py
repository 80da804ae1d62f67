"""Build hook: a wheel carries the Godot addon as package data (benchgen/_addon).

Everything else about the package is in pyproject.toml. The addon lives at the repository's
``addons/benchgen`` because the repository is itself a Godot project; a wheel copies it into
the package so ``benchgen.resources.addon_files()`` finds it through importlib.resources.
An editable install skips the copy: there the checkout's ``addons/benchgen`` is found.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ADDON = Path(__file__).resolve().parent / "addons" / "benchgen"


class BuildPyWithAddon(build_py):
    """``build_py`` that also copies ``addons/benchgen`` to ``benchgen/_addon``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "benchgen" / "_addon"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ADDON, target)


setup(cmdclass={"build_py": BuildPyWithAddon})
