"""Sandbox stage: run untrusted Python (agent code, foreign script.py files) under bubblewrap.

A low-level stage: it needs nothing of benchgen above :mod:`benchgen.errors`, so the
agent, the pipeline and the CLI all run untrusted code through the same walls. See
:mod:`benchgen.sandbox.run` for what each wall is and how it is built.
"""

from __future__ import annotations

from benchgen.sandbox.files import copy_regular_tree, read_regular
from benchgen.sandbox.run import KilledBy, SandboxLimits, SandboxResult, run_sandboxed

__all__ = [
    "KilledBy",
    "SandboxLimits",
    "SandboxResult",
    "copy_regular_tree",
    "read_regular",
    "run_sandboxed",
]
