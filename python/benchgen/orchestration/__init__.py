"""Orchestration stage: generate a dataset on many machines through Temporal.

The controller (a Temporal server, ``benchgen temporal-dev`` for one machine) keeps the
:class:`GenerateDatasetWorkflow`; workers (``benchgen worker``) on any number of machines
build the scenarios; :func:`generate_on_cluster` submits a job and follows it.

The names below are loaded on first use: Temporal's workflow sandbox re-imports this
package for every workflow run, and an eager import here would drag the client, the
families and numpy into the sandbox (numpy refuses a second import in one process).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchgen._lazy import lazy_exports
from benchgen.extras import require

require("cluster", what="generation on Temporal (benchgen temporal-dev, worker, generate-cluster)")

if TYPE_CHECKING:
    from benchgen.orchestration.client import generate_on_cluster, generate_on_cluster_async
    from benchgen.orchestration.devserver import DevServer, free_port, temporal_binary
    from benchgen.orchestration.errors import ClusterError
    from benchgen.orchestration.worker import (
        DEFAULT_TASK_QUEUE,
        connect,
        run_worker,
        running_worker,
    )
    from benchgen.orchestration.workflows import GenerateDatasetWorkflow, GenerateRequest

__all__ = [
    "DEFAULT_TASK_QUEUE",
    "ClusterError",
    "DevServer",
    "GenerateDatasetWorkflow",
    "GenerateRequest",
    "connect",
    "free_port",
    "generate_on_cluster",
    "generate_on_cluster_async",
    "run_worker",
    "running_worker",
    "temporal_binary",
]

_HOME = {
    "generate_on_cluster": "client",
    "generate_on_cluster_async": "client",
    "DevServer": "devserver",
    "free_port": "devserver",
    "temporal_binary": "devserver",
    "ClusterError": "errors",
    "DEFAULT_TASK_QUEUE": "worker",
    "connect": "worker",
    "run_worker": "worker",
    "running_worker": "worker",
    "GenerateDatasetWorkflow": "workflows",
    "GenerateRequest": "workflows",
}

__getattr__, __dir__ = lazy_exports(__name__, {k: f"{__name__}.{v}" for k, v in _HOME.items()})
