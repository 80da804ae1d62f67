"""The real editor with a GUI: Xvfb, OpenGL through Mesa's llvmpipe, a screenshot of the dock.

The provisioned Godot root holds Xvfb, ImageMagick and Mesa; the X server and the editor
run in two sandboxes of it and meet on the X server's abstract socket (the network
namespace is shared). The driver fills the dock (generate three scenarios with renders,
add them, run the benchmark) and prints the dock's rectangle; ImageMagick's ``import``
takes the screen twice (the dock scrolled to its top, then to its bottom). Set
``BENCHGEN_DOCK_SCREENSHOT=docs`` to keep ``docs/editor.png`` (the whole editor, the
dock at its top) and ``docs/dock.png`` (the dock at its bottom: thumbnails, results)
for the README.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from editor_harness import MARK, REPO, benchgen_problems, free_port, live_backend, make_project
from PIL import Image, ImageStat

from benchgen.godot.native import provisioned_godot

pytestmark = [pytest.mark.godot, pytest.mark.slow]

SIZE = (1600, 900)
#: The dock scrolled to its top (generation) and to its bottom (thumbnails, results).
SHOTS = ("top", "bottom")
#: What a GUI editor on Xvfb and llvmpipe prints about its display, not about benchgen.
GUI_NOISE = ("Could not set V-Sync mode", "drivers/vulkan/rendering_context_driver_vulkan.cpp")
_RECT = re.compile(rf"^{MARK} dock-rect (\d+) (\d+) (\d+) (\d+)$")


def _display_up(display: int) -> bool:
    sockets = Path("/proc/net/unix").read_text(encoding="utf-8", errors="replace")
    return f"@/tmp/.X11-unix/X{display}" in sockets


def _free_display() -> int:
    for display in range(77, 200):
        if not _display_up(display) and not Path(f"/tmp/.X{display}-lock").exists():
            return display
    pytest.fail("no free X display number between :77 and :199")


def _stop(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_dock_screenshot_in_the_gui_editor(tmp_path: Path) -> None:
    godot = provisioned_godot()
    if godot is None:
        pytest.fail(
            "the GUI editor test needs the provisioned root (Xvfb, ImageMagick): "
            "run `benchgen godot setup --native` as root"
        )
    project = tmp_path / "project"
    port = free_port()
    make_project(project, settings={"backend/url": f"http://127.0.0.1:{port}"})
    display = _free_display()
    shots = tmp_path / "shots"
    shots.mkdir()
    env = {"DISPLAY": f":{display}"}
    xvfb = subprocess.Popen(
        godot.guest_command(["Xvfb", f":{display}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    editor: subprocess.Popen[str] | None = None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while not _display_up(display):
            assert xvfb.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.2)
        with live_backend(project, tmp_path / "backend.log", port=port):
            args = ["--editor", "--path", str(project), "--rendering-driver", "opengl3"]
            args += ["--audio-driver", "Dummy"]
            args += ["--resolution", f"{SIZE[0]}x{SIZE[1]}", "--position", "0,0"]
            args += ["--", "--flow=show", "--count=3"]
            editor = subprocess.Popen(
                godot.command(args, binds=[project], cwd=project, env=env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                start_new_session=True,
            )
            marks: queue.Queue[str] = queue.Queue()

            def pump() -> None:
                assert editor is not None and editor.stdout is not None
                for raw in editor.stdout:
                    lines.append(raw.rstrip("\n"))
                    if lines[-1].startswith((f"{MARK} ready for the screenshot", f"{MARK} pass")):
                        marks.put(lines[-1])
                marks.put("eof")

            threading.Thread(target=pump, daemon=True).start()
            for shot in SHOTS:
                mark = marks.get(timeout=900)
                assert mark == f"{MARK} ready for the screenshot {shot}", "\n".join(lines[-30:])
                time.sleep(2.0)  # a few more frames rendered by llvmpipe
                grab = ["import", "-window", "root", str(shots / f"{shot}.png")]
                subprocess.run(
                    godot.guest_command(grab, binds=[shots], env=env), check=True, timeout=120
                )
                (project / f".benchgen_shot_{shot}").touch()
            assert marks.get(timeout=60).startswith(f"{MARK} pass")
    finally:
        if editor is not None:
            _stop(editor)
        _stop(xvfb)
    (shots / "editor.log").write_text("\n".join(lines), encoding="utf-8")
    assert f"{MARK} passed" in lines, "\n".join(lines[-40:])
    assert [line for line in lines if line.startswith(f"{MARK} FAILED")] == []
    problems = [p for p in benchgen_problems(lines) if not any(n in p for n in GUI_NOISE)]
    assert problems == [], "\n".join(problems)
    rects = [tuple(int(v) for v in m.groups()) for m in map(_RECT.match, lines) if m]
    assert len(rects) == len(SHOTS)
    for shot, (x, y, w, h) in zip(SHOTS, rects, strict=True):
        image = Image.open(shots / f"{shot}.png").convert("RGB")
        assert image.size == SIZE
        assert w > 200 and h > 400 and x + w <= SIZE[0] and y + h <= SIZE[1], (x, y, w, h)
        dock = image.crop((x, y, x + w, y + h))
        # A rendered dock has text, thumbnails and tables: far from one flat colour.
        assert max(ImageStat.Stat(dock).stddev) > 20, shot
        dock.save(shots / f"dock_{shot}.png")
    shutil.copy(shots / "top.png", shots / "editor.png")
    shutil.copy(shots / "dock_bottom.png", shots / "dock.png")
    keep = os.environ.get("BENCHGEN_DOCK_SCREENSHOT")
    if keep:
        for name in ("dock.png", "editor.png"):
            shutil.copy(shots / name, REPO / keep / name)
