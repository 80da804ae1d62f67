"""The Godot dock end to end: real Godot 4 in Chromium, driving a live ``benchgen serve``.

The backend serves the Godot web page itself (``godot_page_dir``), so the dock's
HTTPRequest reaches the API same-origin. The backend works on a throw-away copy of the
Godot project (``project.godot``, ``addons/``, ``prefabs/``, ``benchmarking/``) with its
output folder inside it, so the generated scenes are ``res://`` paths for the benchmark
run and the repository's ``benchmarking/benchmarker.tscn`` is never written. The
benchmark run starts a second Godot (another headless Chromium page) from the backend.

Set ``BENCHGEN_DOCK_SCREENSHOT=docs/dock.png`` to keep the picture of the finished dock.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchgen.godot._pack import write_pack
from benchgen.godot._web import run_web
from benchgen.godot._web_template import default_cache_dir, ensure_web_template
from benchgen.godot.runtime import default_project_dir

pytestmark = [pytest.mark.godot, pytest.mark.slow]

REPO = default_project_dir()
_PROJECT_PARTS = ("addons", "prefabs", "benchmarking")
_SERVER = """
import sys
from pathlib import Path

import uvicorn

from benchgen.server import create_app

out, project, page, port = sys.argv[1:5]
app = create_app(Path(out), project_dir=Path(project), godot_page_dir=Path(page))
uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(REPO / "project.godot", dest / "project.godot")
    for part in _PROJECT_PARTS:
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns(".*"))
    return dest


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A live backend on a free port over a project copy; yields (url, project, page)."""
    project = _copy_project(tmp_path / "project")
    page = tmp_path / "page"
    page.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHGEN_LLM_")}
    env.setdefault("MUJOCO_GL", "egl")
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SERVER,
            str(project / "scenarios"),
            str(project),
            str(page),
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the backend did not start:\n" + (tmp_path / "server.log").read_text())
            time.sleep(0.2)
        yield url, project, page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_dock_drives_the_backend_end_to_end(
    backend: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, project, page = backend
    benchmark_before = (REPO / "benchmarking" / "benchmarker.tscn").read_bytes()
    args = ["--e2e-dock", "--screenshot"]
    write_pack(REPO, args, page / "game.zip")
    template = ensure_web_template(default_cache_dir())
    lines: list[str] = []
    shot = tmp_path / "dock.png"
    result = run_web(
        page,
        template,
        args,
        timeout_s=600,
        on_line=lambda line, _err: lines.append(line),
        screenshot=shot,
        size=(560, 1240),
        page_url=f"{url}/godot/index.html",
    )
    log = "\n".join(lines[-40:])
    print(*(line for line in lines if line.startswith("BENCHGEN_E2E")), sep="\n")
    assert "BENCHGEN_E2E passed" in lines, log
    assert result.exit_code == 0, log
    assert not [line for line in lines if "SCRIPT ERROR" in line], log
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("BENCHGEN_DOCK_SCREENSHOT")
    if keep:
        shutil.copy(shot, REPO / keep)
    # The backend edited its copy of the benchmark scene, never the repository's.
    copy = (project / "benchmarking" / "benchmarker.tscn").read_text(encoding="utf-8")
    assert copy.count("push_to_goal-0000") == 3
    assert (REPO / "benchmarking" / "benchmarker.tscn").read_bytes() == benchmark_before
