"""What every route of the API shares: the dataset, the store, the jobs and the settings."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from benchgen.server.benchmark import benchmark_scene_file
from benchgen.server.jobs import JobManager, die_with_parent
from benchgen.store import Store

__all__ = ["ServerState", "State", "get_state"]


@dataclass
class ServerState:
    """The one object the routes share; created by :func:`benchgen.server.create_app`."""

    out: Path
    store: Store
    jobs: JobManager
    project_dir: Path
    version: str
    godot_runner: Any = None
    _verify_pool: ProcessPoolExecutor | None = field(default=None, repr=False)

    @property
    def scene_res(self) -> str:
        """The res:// path of the benchmark scene (the project setting, else the default)."""
        return benchmark_scene_file(self.project_dir)[0]

    @property
    def scene(self) -> Path:
        """The benchmark scene whose scenario array the dock edits."""
        return benchmark_scene_file(self.project_dir)[1]

    def verify_pool(self) -> ProcessPoolExecutor:
        """Return the worker process that re-verifies scenarios (started on first use)."""
        if self._verify_pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded server
            self._verify_pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=die_with_parent
            )
        return self._verify_pool

    def close(self) -> None:
        """Stop the jobs and the verify worker; called when the server shuts down."""
        self.jobs.shutdown()
        if self._verify_pool is not None:
            self._verify_pool.shutdown(wait=True, cancel_futures=True)


def get_state(request: Request) -> ServerState:
    """Return the server's shared state (a FastAPI dependency)."""
    state: ServerState = request.app.state.benchgen
    return state


#: A route parameter receiving the shared state.
State = Annotated[ServerState, Depends(get_state)]
