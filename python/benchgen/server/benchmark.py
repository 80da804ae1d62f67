"""The benchmark scene's scenario array, edited as text, and benchmark runs in Godot.

The benchmark scene is the project setting ``benchgen/benchmark/scene`` (default
``res://benchmarking/benchmarker.tscn``): a text scene (format=3) whose root node runs
``BenchgenBenchmarkRunner`` and has
``scenarios = Array[PackedScene]([ExtResource("2_ab12c"), ...])``. Adding scenes adds
one ``[ext_resource type="PackedScene" ...]`` line each, rewrites that property and
fixes ``load_steps``; every other line is kept byte for byte. A missing scene is created;
a scene of the host project that is not a benchgen benchmark scene is refused untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchgen.errors import InvalidSpecError
from benchgen.godot.project import benchmark_scene

__all__ = [
    "BENCHMARK_SCENE",
    "RUNNER_SCRIPT",
    "add_benchmark_scenarios",
    "benchmark_scene_file",
    "read_benchmark_scenarios",
    "run_benchmark",
]

BENCHMARK_SCENE = Path("benchmarking/benchmarker.tscn")
#: The script a benchmark scene's root runs.
RUNNER_SCRIPT = "res://addons/benchgen/runtime/benchmark_runner.gd"
_NEW_SCENE = f"""[gd_scene load_steps=2 format=3]

[ext_resource type="Script" path="{RUNNER_SCRIPT}" id="1_runner"]

[node name="Benchmark" type="Node"]
script = ExtResource("1_runner")
"""
_PROPERTY = "scenarios"
_EXT = re.compile(r"^\[ext_resource\b(?P<attrs>[^\]]*)\]\s*$")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_EXT_REF = re.compile(r'ExtResource\(\s*"([^"]+)"\s*\)')
_HEADER = re.compile(r"^\[gd_scene\b[^\]]*\]\s*$")
_LOAD_STEPS = re.compile(r"\bload_steps=\d+\s*")


def _ext_resources(lines: list[str]) -> dict[str, dict[str, str]]:
    found = {}
    for line in lines:
        match = _EXT.match(line)
        if match:
            attrs = dict(_ATTR.findall(match.group("attrs")))
            if "id" in attrs:
                found[attrs["id"]] = attrs
    return found


def _root_node(lines: list[str]) -> tuple[int, int]:
    """Return the index of the root ``[node]`` header and the end of its block."""
    for start, line in enumerate(lines):
        if line.startswith("[node ") and "parent=" not in line:
            end = start + 1
            while end < len(lines) and not lines[end].startswith("["):
                end += 1
            return start, end
    raise InvalidSpecError(
        "the benchmark scene has no root [node] section; "
        "restore benchmarking/benchmarker.tscn from the repository"
    )


def _property_span(lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    """Return the lines holding ``scenarios = ...`` (it may span several), or None."""
    for index in range(start + 1, end):
        if re.match(rf"^{_PROPERTY}\s*=", lines[index]):
            depth, stop = 0, index
            while stop < end:
                depth += lines[stop].count("[") + lines[stop].count("(")
                depth -= lines[stop].count("]") + lines[stop].count(")")
                stop += 1
                if depth <= 0:
                    break
            return index, stop
    return None


def benchmark_scene_file(project: Path) -> tuple[str, Path]:
    """Return the res:// path of ``project``'s benchmark scene and its file."""
    res = benchmark_scene(project)
    return res, project / res.removeprefix("res://")


def _check_benchgen_scene(scene: Path, lines: list[str]) -> None:
    start, end = _root_node(lines)
    resources = _ext_resources(lines)
    script = next((line for line in lines[start + 1 : end] if line.startswith("script =")), "")
    ids = _EXT_REF.findall(script)
    if not ids or resources.get(ids[0], {}).get("path") != RUNNER_SCRIPT:
        raise InvalidSpecError(
            f"{scene} is not a benchgen benchmark scene (its root does not run "
            f"{RUNNER_SCRIPT}), so it was left untouched; set the project setting "
            "benchgen/benchmark/scene to a new file (e.g. res://benchgen_benchmark.tscn)"
        )


def read_benchmark_scenarios(scene: Path) -> list[str]:
    """Return the res:// paths in the benchmark scene's scenario array, in order."""
    return _array_paths(scene.read_text(encoding="utf-8").splitlines())


def _array_paths(lines: list[str]) -> list[str]:
    resources = _ext_resources(lines)
    start, end = _root_node(lines)
    span = _property_span(lines, start, end)
    if span is None:
        return []
    value = "\n".join(lines[span[0] : span[1]])
    return [resources[i]["path"] for i in _EXT_REF.findall(value) if i in resources]


def _new_id(path: str, taken: set[str], number: int) -> str:
    digest = hashlib.sha1(path.encode()).hexdigest()
    candidate = f"{number}_{digest[:5]}"
    while candidate in taken:
        number += 1
        candidate = f"{number}_{digest[:5]}"
    return candidate


def _with_array(lines: list[str], paths: Sequence[str]) -> list[str]:
    resources = _ext_resources(lines)
    by_path = {
        attrs.get("path"): rid
        for rid, attrs in resources.items()
        if attrs.get("type") == "PackedScene"
    }
    old = set(_array_paths(lines))
    keep = {
        rid
        for rid, attrs in resources.items()
        if attrs.get("path") not in old or attrs.get("path") in paths
    }
    taken = set(resources)
    ids: list[str] = []
    added: list[str] = []
    for path in paths:
        rid = by_path.get(path)
        if rid is None:
            rid = _new_id(path, taken, len(taken) + 1)
            taken.add(rid)
            by_path[path] = rid
            added.append(f'[ext_resource type="PackedScene" path="{path}" id="{rid}"]')
        keep.add(rid)
        ids.append(rid)
    text_ids = ", ".join(f'ExtResource("{rid}")' for rid in ids)
    value = f"{_PROPERTY} = Array[PackedScene]([{text_ids}])"
    result: list[str] = []
    for line in lines:
        match = _EXT.match(line)
        if match and dict(_ATTR.findall(match.group("attrs"))).get("id") not in keep:
            continue  # a scenario scene dropped from the array
        result.append(line)
    last_ext = max((i for i, line in enumerate(result) if _EXT.match(line)), default=None)
    insert_at = last_ext + 1 if last_ext is not None else _after_header(result)
    result[insert_at:insert_at] = added
    if last_ext is None and added:
        result.insert(insert_at + len(added), "")
    start, end = _root_node(result)
    span = _property_span(result, start, end)
    if span is None:
        after = start + 1
        while after < end and result[after].strip() and not result[after].startswith("["):
            after += 1
        result.insert(after, value)
    else:
        result[span[0] : span[1]] = [value]
    return _fix_load_steps(result)


def _after_header(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            return (
                index + 2 if index + 1 < len(lines) and not lines[index + 1].strip() else index + 1
            )
    raise InvalidSpecError("the benchmark scene has no [gd_scene ...] header")


def _fix_load_steps(lines: list[str]) -> list[str]:
    steps = 1 + sum(1 for line in lines if _EXT.match(line) or line.startswith("[sub_resource "))
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            bare = _LOAD_STEPS.sub("", line)
            lines[index] = (
                bare.replace("[gd_scene ", f"[gd_scene load_steps={steps} ", 1)
                if steps > 1
                else bare
            )
            break
    return lines


def add_benchmark_scenarios(
    scene: Path, paths: Sequence[str], *, replace: bool = False
) -> list[str]:
    """Put res:// scene ``paths`` into the benchmark scene's array; return the new array.

    Args:
        scene: the benchmark scene file (``benchmarking/benchmarker.tscn``).
        paths: res:// paths of scenario scenes; ones already in the array are kept once.
        replace: make the array exactly ``paths`` instead of appending to it.

    Raises:
        InvalidSpecError: a path is not res://, or the scene exists and is not a benchgen
            benchmark scene (its file is then left as it was).
    """
    for path in paths:
        if not path.startswith("res://") or '"' in path or "\n" in path:
            raise InvalidSpecError(f"{path!r} is not a res:// scene path")
    if scene.is_file():
        text = scene.read_text(encoding="utf-8")
    else:
        scene.parent.mkdir(parents=True, exist_ok=True)
        text = _NEW_SCENE
    lines = text.splitlines()
    _check_benchgen_scene(scene, lines)
    current = [] if replace else _array_paths(lines)
    wanted = list(dict.fromkeys([*current, *paths]))
    new_text = "\n".join(_with_array(lines, wanted)) + ("\n" if text.endswith("\n") else "")
    fd, tmp = tempfile.mkstemp(prefix=".benchmarker-", suffix=".tscn", dir=scene.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(new_text)
    os.replace(tmp, scene)  # never a half-written scene under its real name
    return wanted


LineCallback = Callable[[str, bool], None]


def run_benchmark(
    request: dict[str, Any],
    project_dir: Path,
    on_line: LineCallback,
    runner: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Run the benchmark scene once in Godot and return its results JSON."""
    if runner is None:
        from benchgen.godot.runtime import run_godot

        runner = run_godot
    args = [f"--agent={request.get('agent', 'null')}", f"--seed={request.get('seed', 0)}"]
    if request.get("iterations"):
        args.append(f"--iterations={request['iterations']}")
    if request.get("timeout_s"):
        args.append(f"--timeout={request['timeout_s']}")
    if request.get("config"):
        args.append(f"--config={request['config']}")
    if request.get("backend"):  # the LLM agent acts through this server's POST /api/solve
        args.append(f"--backend={request['backend']}")
    run = runner(
        args, project_dir=project_dir, on_line=on_line, runtime=request.get("runtime", "auto")
    )
    return {
        "exit_code": run.exit_code,
        "runtime": run.runtime,
        "seconds": round(run.seconds, 3),
        "report": run.results,
    }
