"""``python -m benchgen.cli``: the same as the ``benchgen`` console script."""

from __future__ import annotations

from benchgen.cli.app import main

main()
