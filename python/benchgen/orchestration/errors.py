"""The error the distributed path raises (a candidate for ``benchgen.errors``)."""

from __future__ import annotations

from benchgen.errors import BenchgenError

__all__ = ["ClusterError"]


class ClusterError(BenchgenError, RuntimeError):
    """The Temporal server cannot be reached or started, or a cluster run failed."""
