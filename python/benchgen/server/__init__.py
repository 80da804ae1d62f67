"""Server stage: the HTTP API (``benchgen serve``) the Godot dock drives.

``create_app(out)`` returns the FastAPI application; generation jobs run in child
processes and their state lives in the store, so they survive a server restart.
"""

from __future__ import annotations

from benchgen.extras import require

require("server", what="benchgen's HTTP API (benchgen serve)")

from benchgen.server.app import create_app  # noqa: E402  (after the extra is checked)
from benchgen.server.benchmark import add_benchmark_scenarios, read_benchmark_scenarios  # noqa: E402
from benchgen.server.jobs import JobManager  # noqa: E402

__all__ = ["JobManager", "add_benchmark_scenarios", "create_app", "read_benchmark_scenarios"]
