"""The API's routes, one router per resource; each receives the shared state as a dependency."""

from __future__ import annotations

from benchgen.server.routes import benchmark, jobs, meta, scenarios, solve

__all__ = ["ROUTERS"]

#: Every router of the API, in the order OpenAPI lists them.
ROUTERS = (meta.router, jobs.router, scenarios.router, benchmark.router, solve.router)
