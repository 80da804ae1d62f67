"""Run a packed Godot project in the official web template, in headless Chromium.

A threaded HTTP server on 127.0.0.1 serves the template, a small page and ``game.zip``
with the cross-origin isolation headers the threaded wasm build needs; Playwright drives
Debian's Chromium with SwiftShader for WebGL 2. Godot's ``print`` output reaches Python
through ``onPrint``; ``get_tree().quit(code)`` arrives through ``onExit``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchgen.errors import GodotError
from benchgen.extras import require

__all__ = [
    "CHROMIUM_ARGS",
    "ISOLATION_HEADERS",
    "MEDIA_TYPES",
    "SCREENSHOT_MARK",
    "WebResult",
    "run_web",
    "stage_page",
]

#: Godot prints this line when the scene is worth a screenshot.
SCREENSHOT_MARK = "BENCHGEN_SCREENSHOT"

#: SharedArrayBuffer (the wasm threads) needs a cross-origin isolated page; every file
#: of the page is served with these (by the test server here and by ``benchgen serve``).
ISOLATION_HEADERS = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cache-Control", "no-store"),
)
#: Content types of the page's files by suffix.
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "application/javascript",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".png": "image/png",
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>benchgen</title>
<style>html,body{margin:0;background:#000;overflow:hidden}
#canvas{display:block;width:%(w)dpx;height:%(h)dpx}</style></head>
<body><canvas id="canvas" width="%(w)d" height="%(h)d"></canvas>
<script src="index.js"></script>
<script>
const out = (...a) => window.benchgenPrint(a.join(" "));
const err = (...a) => window.benchgenPrintError(a.join(" "));
const engine = new Engine({
  executable: "index", mainPack: "game.zip", args: %(args)s,
  canvasResizePolicy: 0, focusCanvas: false,
  onPrint: out, onPrintError: err, onExit: (code) => window.benchgenExit(code),
});
engine.startGame().catch((e) => {
  err("benchgen: startGame failed: " + e);
  window.benchgenExit(-1);
});
</script></body></html>
"""


@dataclass
class WebResult:
    """What a web run returned: the exit code and every line Godot printed."""

    exit_code: int
    lines: list[str] = field(default_factory=list)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**MEDIA_TYPES, "": "application/octet-stream"}  # noqa: RUF012

    def end_headers(self) -> None:
        for name, value in ISOLATION_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the server quiet; Godot's output is what matters."""


@contextlib.contextmanager
def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def stage_page(folder: Path, template: Path, args: list[str], size: tuple[int, int]) -> None:
    """Put the template files and an ``index.html`` running ``game.zip`` with ``args`` in
    ``folder``."""
    for path in template.iterdir():
        target = folder / path.name
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    # No audio: headless runs need none, and the audio worklet does not load there.
    engine_args = ["--audio-driver", "Dummy", "--", *args]
    page = _PAGE % {"w": size[0], "h": size[1], "args": json.dumps(engine_args)}
    (folder / "index.html").write_text(page, encoding="utf-8")


def run_web(
    folder: Path,
    template: Path,
    args: list[str],
    *,
    timeout_s: float,
    on_line: Callable[[str, bool], None],
    screenshot: Path | None = None,
    chromium: str = "/usr/bin/chromium",
    size: tuple[int, int] = (640, 480),
    page_url: str | None = None,
) -> WebResult:
    """Serve ``folder`` (holding ``game.zip``) and run it in headless Chromium until it exits.

    ``on_line(text, is_error)`` gets each line as Godot prints it. With ``page_url`` the
    page is staged in ``folder`` but another server serves it there (``benchgen serve``
    with ``godot_page_dir=folder``, so the page and the API share an origin). Raises
    GodotError when Chromium cannot start or Godot does not exit within ``timeout_s``.
    """
    require("godot-web", what="the Godot web runtime (used when no native Godot 4 is found)")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    stage_page(folder, template, args, size)
    result = WebResult(exit_code=-1)
    exited = threading.Event()
    shot_wanted = threading.Event()

    def emit(text: str, is_error: bool) -> None:
        for line in str(text).splitlines() or [""]:
            result.lines.append(line)
            if line.startswith(SCREENSHOT_MARK):
                shot_wanted.set()
            on_line(line, is_error)

    def on_exit(code: Any) -> None:
        result.exit_code = int(code)
        exited.set()

    served = _serve(folder) if page_url is None else contextlib.nullcontext("")
    with served as origin, sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            raise GodotError(f"Chromium at {chromium} did not start: {exc}") from exc
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.expose_function("benchgenPrint", lambda text: emit(text, False))
            page.expose_function("benchgenPrintError", lambda text: emit(text, True))
            page.expose_function("benchgenExit", on_exit)
            page.on("pageerror", lambda exc: emit(f"benchgen: page error: {exc}", True))
            page.goto(page_url or f"{origin}/index.html")
            deadline = time.monotonic() + timeout_s
            shot_taken = False
            while not exited.is_set():
                if time.monotonic() > deadline:
                    raise GodotError(
                        f"Godot did not exit within {timeout_s:.0f} s; the last line was "
                        f"{result.lines[-1] if result.lines else '(nothing printed)'!r}."
                    )
                if screenshot is not None and not shot_taken and shot_wanted.is_set():
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshot))
                    shot_taken = True
                page.wait_for_timeout(50)
            if screenshot is not None and not shot_taken:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    return result
