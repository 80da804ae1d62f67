"""The ``benchgen`` command line: one sub-command per front-door task.

Heavy imports (build123d, MuJoCo, Playwright) happen inside the commands, so
``benchgen --help`` and ``benchgen families`` start fast.
"""

from __future__ import annotations

from benchgen.cli.app import app, main

__all__ = ["app", "main"]
