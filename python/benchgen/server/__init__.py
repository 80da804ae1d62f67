"""Server stage: the HTTP API (``benchgen serve``) the Godot dock drives.

``create_app(out)`` returns the FastAPI application; generation jobs run in child
processes and their state lives in the store, so they survive a server restart.
"""

from __future__ import annotations

from benchgen.server.app import create_app
from benchgen.server.benchmark import add_benchmark_scenarios, read_benchmark_scenarios
from benchgen.server.jobs import JobManager

__all__ = ["JobManager", "add_benchmark_scenarios", "create_app", "read_benchmark_scenarios"]
