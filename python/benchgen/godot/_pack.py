"""Pack the part of the Godot project a run needs into ``game.zip`` for the web runtime.

The web template loads a plain ZIP of the project folder as its main pack. No editor has
run, so the pack also carries a generated ``.godot/global_script_class_cache.cfg``;
without it ``class_name`` scripts are unknown at run time.
"""

from __future__ import annotations

import fnmatch
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from benchgen.errors import GodotError
from benchgen.godot.project import benchmark_scene, with_setting

__all__ = ["class_cache_text", "collect_files", "scenario_glob", "write_pack"]

#: Folders always packed: the addon, prefabs and the benchmark scene.
_ALWAYS = ("addons", "prefabs", "benchmarking")
_SKIP_DIRS = {".godot", ".git", ".venv", ".cache", "__pycache__", "node_modules"}
_TEXT_SUFFIXES = {".tscn", ".tres", ".gd", ".godot", ".cfg"}
_RES_REF = re.compile(r"res://[^\"'\s)]+")
# Exported scenario scenes name their own .tres files by a path relative to the scene,
# which Godot 4 resolves against the folder of the file that names it.
_RELATIVE_EXT = re.compile(r'\[ext_resource [^\]]*path="(?!res://|uid://)([^"]+)"')
# In scripts only what is loaded for sure: a constant such as the test harness path must
# not pull the tests into every pack.
_GD_REF = re.compile(r"(?:preload\(|extends\s)\s*\"(res://[^\"]+)\"")
_CLASS_NAME = re.compile(r"^class_name\s+(\w+)", re.M)
_EXTENDS = re.compile(r"^extends\s+(\w+)", re.M)
_TOOL = re.compile(r"^@tool\b", re.M)
#: User arguments that run code from tests/godot/, which is then packed too.
_TEST_ARGS = frozenset({"--tests", "--e2e-dock"})


def scenario_glob(args: Iterable[str]) -> str | None:
    """Return the ``--scenarios=`` glob of user ``args`` as a ``res://`` pattern."""
    for arg in args:
        if arg.startswith("--scenarios="):
            pattern = arg.split("=", 1)[1]
            return pattern if pattern.startswith("res://") else "res://" + pattern.lstrip("/")
    return None


def _walk(root: Path, folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if path.name not in _SKIP_DIRS:
                yield from _walk(root, path)
        elif path.is_file():
            yield path


def _res(root: Path, path: Path) -> str:
    return "res://" + path.relative_to(root).as_posix()


def _references(path: Path) -> Iterator[str]:
    if path.suffix not in _TEXT_SUFFIXES:
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    yield from (_GD_REF if path.suffix == ".gd" else _RES_REF).findall(text)
    if path.suffix in (".tscn", ".tres"):
        yield from (str(path.parent / rel) for rel in _RELATIVE_EXT.findall(text))


def collect_files(project_dir: Path, args: list[str]) -> list[Path]:
    """Return the project files a run with user ``args`` needs, closed over references.

    Always packs ``project.godot``, ``addons/``, ``prefabs/``, ``benchmarking/`` and the
    benchmark scene of the project setting; adds the scenes the ``--scenarios=`` glob
    selects (and ``tests/godot/`` for ``--tests`` or ``--e2e-dock``), then every file a
    packed text resource names by ``res://`` path.
    """
    root = project_dir.resolve()
    if not (root / "project.godot").is_file():
        raise GodotError(f"{root} has no project.godot; pass the repository root as project_dir.")
    wanted: set[Path] = {root / "project.godot"}
    benchmark = root / benchmark_scene(root).removeprefix("res://")
    if benchmark.is_file():
        wanted.add(benchmark.resolve())
    for name in _ALWAYS:
        if (root / name).is_dir():
            wanted.update(_walk(root, root / name))
    if _TEST_ARGS.intersection(args) and (root / "tests" / "godot").is_dir():
        wanted.update(p for p in _walk(root, root / "tests" / "godot") if p.suffix != ".py")
    pattern = scenario_glob(args)
    if pattern is not None:
        scenes = (p for p in _walk(root, root) if p.suffix == ".tscn")
        wanted.update(p for p in scenes if fnmatch.fnmatchcase(_res(root, p), pattern))
    todo = list(wanted)
    while todo:
        for ref in _references(todo.pop()):
            target = (root / ref.removeprefix("res://")).resolve()
            if target.is_file() and target not in wanted:
                wanted.add(target)
                todo.append(target)
    return sorted(wanted)


def class_cache_text(root: Path, files: Iterable[Path]) -> str:
    """Return a ``global_script_class_cache.cfg`` listing every ``class_name`` script."""
    rows: list[str] = []
    for path in files:
        if path.suffix != ".gd":
            continue
        text = path.read_text(encoding="utf-8")
        name = _CLASS_NAME.search(text)
        if name is None:
            continue
        base = _EXTENDS.search(text)
        rows.append(
            "{\n"
            f'"base": &"{base.group(1) if base else "RefCounted"}",\n'
            f'"class": &"{name.group(1)}",\n'
            '"icon": "",\n'
            '"is_abstract": false,\n'
            f'"is_tool": {"true" if _TOOL.search(text) else "false"},\n'
            '"language": &"GDScript",\n'
            f'"path": "{_res(root, path)}"\n'
            "}"
        )
    return "list=[" + ", ".join(rows) + "]\n"


def write_pack(
    project_dir: Path,
    args: list[str],
    dest: Path,
    *,
    main_scene: str | None = None,
    settings: dict[tuple[str, str], str] | None = None,
) -> list[Path]:
    """Write ``dest`` (a ZIP named ``*.zip``) with what a run needs; return the packed files.

    ``main_scene`` replaces ``run/main_scene`` (the template takes no scene argument) and
    ``settings`` (``{(section, key): value}``) other string settings of ``project.godot``.
    """
    root = project_dir.resolve()
    files = collect_files(root, args)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            arcname = path.relative_to(root).as_posix()
            if arcname == "project.godot" and (main_scene or settings):
                text = path.read_text("utf-8")
                if main_scene is not None:
                    text = with_setting(text, "application", "run/main_scene", main_scene)
                for (section, key), value in (settings or {}).items():
                    text = with_setting(text, section, key, value)
                zf.writestr(arcname, text)
            else:
                zf.write(path, arcname)
        zf.writestr(".godot/global_script_class_cache.cfg", class_cache_text(root, files))
    return files
