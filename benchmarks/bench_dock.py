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
"""

from __future__ import annotations

import argparse
import json
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=3, help="jobs timed after the warm-up")
    parser.add_argument("--count", type=int, default=3, help="scenarios per job")
    parser.add_argument("--seed", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
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
