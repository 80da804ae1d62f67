"""Where benchgen finds its packaged data, its cache and the Godot project it runs.

Data that ships with benchgen (the agent's skills and notes, the Godot addon) is found
through :mod:`importlib.resources`, so an installed wheel finds it wherever it lives.
Nothing here assumes a fixed depth below the repository: a development checkout is
recognised by its shape (``<checkout>/python/benchgen`` is this package, next to
``project.godot``), and an installed copy has none.

The Godot project is the user's: an explicit argument wins, then ``BENCHGEN_PROJECT``,
then, in a development checkout only, the repository (itself the benchgen Godot project).
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from benchgen.errors import GodotError, OutputError

__all__ = [
    "ENV_CACHE",
    "ENV_PROJECT",
    "addon_files",
    "cache_dir",
    "development_checkout",
    "package_data",
    "package_path",
    "project_dir",
]

ENV_PROJECT = "BENCHGEN_PROJECT"
ENV_CACHE = "BENCHGEN_CACHE"
#: Where a wheel carries the addon (``setup.py`` copies ``addons/benchgen`` there).
_PACKAGED_ADDON = "_addon"


def package_data(*parts: str) -> Traversable:
    """Return a file or folder shipped inside the benchgen package, e.g. ``("agent", "notes")``."""
    return resources.files("benchgen").joinpath(*parts)


def package_path(*parts: str) -> Path:
    """Return :func:`package_data` as a file-system path (pip installs packages unzipped).

    Raises:
        OutputError: benchgen was imported from a zip archive, where data has no path.
    """
    data = package_data(*parts)
    if not isinstance(data, Path):
        raise OutputError(
            f"benchgen's data {'/'.join(parts)} is inside an archive ({data}); "
            "install benchgen with pip (unzipped) instead of importing it from a zip."
        )
    return data


@functools.cache
def development_checkout() -> Path | None:
    """Return the repository this package was imported from, or None for an installed copy."""
    package = Path(__file__).resolve().parent
    for folder in package.parents:
        if (folder / "python" / "benchgen") == package and (folder / "project.godot").is_file():
            return folder
    return None


def addon_files() -> Path:
    """Return the Godot addon folder (``plugin.cfg``, ``runtime/``, ``dock/``).

    Raises:
        GodotError: this copy of benchgen carries no addon (a broken install).
    """
    if package_data(_PACKAGED_ADDON).is_dir():
        return package_path(_PACKAGED_ADDON)
    checkout = development_checkout()
    if checkout is not None and (checkout / "addons" / "benchgen" / "plugin.cfg").is_file():
        return checkout / "addons" / "benchgen"
    raise GodotError(
        "this installation of benchgen carries no Godot addon (benchgen/_addon); "
        "reinstall benchgen from a wheel built from the repository."
    )


def project_dir(explicit: Path | None = None, *, near: Path | None = None) -> Path:
    """Return the Godot project to use.

    Args:
        explicit: The project the caller names; it wins.
        near: A path inside the wanted project (e.g. the dataset folder the dock serves):
            its nearest ancestor holding ``project.godot`` comes after ``$BENCHGEN_PROJECT``.

    Returns:
        ``explicit``, ``$BENCHGEN_PROJECT``, the project around ``near``, or the checkout.

    Raises:
        GodotError: none of them gives a project.
    """
    if explicit is not None:
        return explicit.resolve()
    if os.environ.get(ENV_PROJECT):
        return Path(os.environ[ENV_PROJECT]).resolve()
    if near is not None:
        start = near.resolve()
        for folder in (start, *start.parents):
            if (folder / "project.godot").is_file():
                return folder
    checkout = development_checkout()
    if checkout is None:
        raise GodotError(
            "no Godot project given: pass --project DIR (a Godot 4 project with the benchgen "
            f"addon, see `benchgen godot install-addon`) or set {ENV_PROJECT}."
        )
    return checkout


def cache_dir() -> Path:
    """Return benchgen's cache: ``$BENCHGEN_CACHE``, ``<checkout>/.cache``, or the user cache."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    checkout = development_checkout()
    if checkout is not None:
        return checkout / ".cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "benchgen"
