"""Health latency of `benchgen serve` while a generation job runs (target: < 50 ms).

Starts the API on a free 127.0.0.1 port in this process (uvicorn in a thread, as
`benchgen serve` would run it), starts a ramp_to_goal job, and hammers GET /api/health
over real HTTP until the job ends. Prints p50 / p99 / max, idle and under load.

    .venv/bin/python benchmarks/bench_server.py [--count 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from benchgen.server import create_app


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return (
        f"n={len(ordered):5d}  p50={statistics.median(ordered):6.2f} ms  "
        f"p99={p(0.99):6.2f} ms  max={ordered[-1]:6.2f} ms"
    )


def _probe(
    client: httpx.Client, seconds: float | None, until: threading.Event | None
) -> list[float]:
    samples: list[float] = []
    end = time.monotonic() + (seconds or 1e9)
    while time.monotonic() < end and not (until and until.is_set()):
        start = time.perf_counter()
        assert client.get("/api/health").status_code == 200
        samples.append((time.perf_counter() - start) * 1000)
        time.sleep(0.01)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--renders", action="store_true")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-server-"))
    with socket.socket() as probe:  # a free port; uvicorn binds it as `benchgen serve` does
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        create_app(out, workers=args.workers), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    with httpx.Client(base_url=url, timeout=10) as client:
        print(f"idle:       {_percentiles(_probe(client, 3.0, None))}")
        job = client.post(
            "/api/jobs",
            json={
                "family": "ramp_to_goal",
                "count": args.count,
                "seed": 1000,
                "renders": args.renders,
                "godot": False,
            },
        )
        job_id = job.json()["id"]
        done = threading.Event()

        def watch() -> None:
            with httpx.Client(base_url=url, timeout=10) as c:
                while c.get(f"/api/jobs/{job_id}").json()["state"] in ("queued", "running"):
                    time.sleep(0.5)
            done.set()

        started = time.monotonic()
        threading.Thread(target=watch, daemon=True).start()
        loaded = _probe(client, None, done)
        final = client.get(f"/api/jobs/{job_id}").json()
        print(f"under load: {_percentiles(loaded)}")
        print(
            f"job: {final['state']}, {final['progress']['done']}/{final['progress']['total']} "
            f"promoted in {time.monotonic() - started:.1f} s with {args.workers} workers"
        )
    server.should_exit = True
    thread.join(timeout=30)


if __name__ == "__main__":
    main()
