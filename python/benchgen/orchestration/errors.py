"""The error the distributed path raises (defined with the others in ``benchgen.errors``)."""

from __future__ import annotations

from benchgen.errors import ClusterError

__all__ = ["ClusterError"]
