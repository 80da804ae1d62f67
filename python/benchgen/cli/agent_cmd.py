"""Commands of this module are registered on import."""

from __future__ import annotations

from benchgen.cli.app import app  # noqa: F401
