"""The dock's wait: from pressing Generate to the first thumbnail, through the HTTP API.

Starts ``benchgen serve`` (a real server process on a free 127.0.0.1 port, from the tree
on PYTHONPATH), lets it warm up with one job, then for each measured job does what the
dock does: POST /api/jobs (push_to_goal, renders on), poll GET /api/jobs/{id}, and for
each promoted scenario GET /api/scenarios/{id} and its thumbnail_url until a PNG arrives.
Before each timed job the backend is left to settle (no job running, and its generation
process warmed up where it keeps one), as a user finds it between two presses.
Polls every 0.1 s (the dock polls every 0.5 s: add up to that). Prints a table, or with
``--json`` one JSON line (``bench_compare.py`` reads it).

    .venv/bin/python benchmarks/bench_dock.py [--jobs 3] [--count 3]
    .venv/bin/python benchmarks/bench_dock.py --editor [--jobs 3]

``--editor`` takes the figure from the real Godot editor instead: it runs the real-editor
dock test (tests/godot/test_editor.py::test_dock_in_the_real_editor, native Godot, a live
``benchgen serve`` waited on until its generator is warm) ``--jobs`` times and reports
the time from pressing Generate to the first thumbnail in the dock, which the test's
driver measures inside the editor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
EDITOR_TEST = "tests/godot/test_editor.py::test_dock_in_the_real_editor"
EDITOR_FIGURE = re.compile(r"dock in the real editor: first thumbnail ([0-9.]+) s")

PNG = b"\x89PNG\r\n\x1a\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(out: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``benchgen serve`` as a user would, in its own process group."""
    command = [sys.executable, "-m", "benchgen.cli", "serve", "--out", str(out)]
    return subprocess.Popen(
        [*command, "--port", str(port), "--project", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_healthy(client: httpx.Client, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if client.get("/api/health").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("benchgen serve did not answer /api/health in time")


def _settle(client: httpx.Client, timeout_s: float = 180) -> None:
    """Wait until the backend is idle: no job running and, where it keeps one, its
    generation process warmed up (``generator_warm``, absent from older backends)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        health = client.get("/api/health").json()
        if not health["jobs_running"] and health.get("generator_warm", True):
            return
        time.sleep(0.2)
    raise RuntimeError("the backend did not settle (a job running or no warm generator)")


def _thumbnail(client: httpx.Client, scenario_id: str) -> bool:
    detail = client.get(f"/api/scenarios/{scenario_id}")
    if detail.status_code != 200 or not detail.json().get("thumbnail_url"):
        return False
    image = client.get(detail.json()["thumbnail_url"])
    return image.status_code == 200 and image.content.startswith(PNG)


def one_job(client: httpx.Client, *, count: int, seed: int) -> dict[str, Any]:
    """Run one job as the dock would; return when its first verdict and thumbnail came."""
    start = time.perf_counter()
    request = {"family": "push_to_goal", "count": count, "seed": seed, "renders": True}
    job_id = client.post("/api/jobs", json=request).json()["id"]
    first_row = verdict = thumbnail = None
    while True:
        status = client.get(f"/api/jobs/{job_id}").json()
        now = time.perf_counter() - start
        rows = status["scenarios"]
        if rows and first_row is None:
            first_row = now
        promoted = [r["id"] for r in rows if r["status"] in ("promoted", "skipped")]
        if promoted and verdict is None:
            verdict = now
        if thumbnail is None and any(_thumbnail(client, i) for i in promoted):
            thumbnail = time.perf_counter() - start
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    return {
        "first_row_s": first_row,
        "first_verdict_s": verdict,
        "first_thumbnail_s": thumbnail,
        "done_s": time.perf_counter() - start,
        "state": status["state"],
        "promoted": status["progress"]["done"],
    }


def measure(jobs: int, count: int, seed: int) -> dict[str, Any]:
    """Start a server, warm it with one job, time ``jobs`` more; return the medians."""
    out = Path(tempfile.mkdtemp(prefix="bench-dock-"))
    port = _free_port()
    server = _start_server(out, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _wait_healthy(client)
            one_job(client, count=1, seed=seed + 1000)  # warm: the backend has run a job
            runs = []
            for i in range(jobs):
                _settle(client)  # as a user would find it: idle between two Generates
                runs.append(one_job(client, count=count, seed=seed + 17 * i))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(out, ignore_errors=True)
    firsts = [r["first_thumbnail_s"] for r in runs if r["first_thumbnail_s"] is not None]
    return {
        "first_thumbnail_s": statistics.median(firsts) if firsts else float("nan"),
        "runs": runs,
        "load": os.getloadavg()[0],
    }


def measure_editor(jobs: int) -> dict[str, Any]:
    """Run the real-editor dock test ``jobs`` times; return the first-thumbnail waits."""
    waits = []
    for _ in range(jobs):
        done = subprocess.run(
            [sys.executable, "-m", "pytest", EDITOR_TEST, "-s", "-q", "-p", "no:cacheprovider"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        found = EDITOR_FIGURE.search(done.stdout)
        if done.returncode != 0 or found is None:
            raise RuntimeError(f"the real-editor dock test failed:\n{done.stdout[-3000:]}")
        waits.append(float(found[1]))
    return {"first_thumbnail_s": statistics.median(waits), "waits": waits}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=3, help="jobs timed after the warm-up")
    parser.add_argument("--count", type=int, default=3, help="scenarios per job")
    parser.add_argument("--seed", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--editor", action="store_true", help="time it in the real editor")
    args = parser.parse_args()
    if args.editor:
        editor = measure_editor(args.jobs)
        if args.json:
            print(json.dumps(editor))
            return
        waits = ", ".join(f"{w:.2f} s" for w in editor["waits"])
        print(
            f"real editor, Generate -> first thumbnail in the dock: median "
            f"{editor['first_thumbnail_s']:.2f} s over {args.jobs} run(s) ({waits}; target < 5 s; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        return
    result = measure(args.jobs, args.count, args.seed)
    if args.json:
        print(json.dumps(result))
        return
    print("job  first row  first verdict  first thumbnail  all done  promoted")
    for i, run in enumerate(result["runs"]):
        cells = [run[k] for k in ("first_row_s", "first_verdict_s", "first_thumbnail_s")]
        shown = [f"{c:9.2f} s" if c is not None else "        -" for c in cells]
        print(f"{i:3d}  {'  '.join(shown)}  {run['done_s']:7.1f} s  {run['promoted']:8d}")
    print(
        f"median Generate -> first thumbnail: {result['first_thumbnail_s']:.2f} s "
        f"(target < 5 s; load average {result['load']:.1f})"
    )


if __name__ == "__main__":
    main()
