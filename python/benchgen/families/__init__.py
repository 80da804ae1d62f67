"""Procedural scenario families: one file per family, found by scanning this package.

Adding a family means adding one module here that defines ``FAMILY = <Family subclass>``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from functools import cache
from pathlib import Path

from benchgen.errors import InvalidSpecError, UnknownFamilyError
from benchgen.families.base import Family, FamilyParams, Layout, box, ranged

__all__ = [
    "Family",
    "FamilyParams",
    "Layout",
    "box",
    "family_names",
    "get_family",
    "load_family_file",
    "ranged",
]

_NOT_FAMILIES = {"base"}


@cache
def _registry() -> dict[str, Family]:
    found: dict[str, Family] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in _NOT_FAMILIES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        family_cls = getattr(module, "FAMILY", None)
        if family_cls is not None:
            found[family_cls.name] = family_cls()
    return found


def family_names() -> list[str]:
    """Return the names of the registered families, sorted."""
    return sorted(_registry())


def get_family(name: str) -> Family:
    """Return the family called ``name``.

    Raises:
        UnknownFamilyError: no family has that name.
    """
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(family_names())
        raise UnknownFamilyError(
            f"{name!r} is not a scenario family; available: {known} "
            "(run `benchgen families` for descriptions)"
        ) from None


def load_family_file(path: Path) -> Family:
    """Import a family from a standalone script (a scenario's script.py or an agent's).

    Raises:
        InvalidSpecError: the file does not define ``FAMILY`` as a Family subclass.
    """
    module_name = f"benchgen_family_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise InvalidSpecError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(module_name, None)
    family_cls = getattr(module, "FAMILY", None)
    if not (isinstance(family_cls, type) and issubclass(family_cls, Family)):
        raise InvalidSpecError(
            f"{path} must define FAMILY = <a subclass of benchgen.families.Family>"
        )
    family = family_cls()
    family.source_text = path.read_text(encoding="utf-8")
    return family
