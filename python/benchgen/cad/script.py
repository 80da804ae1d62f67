"""Compatibility names for :mod:`benchgen.pipeline.standalone` and ``pipeline.script``.

script.py files written before the entry point moved into pipeline end with
``from benchgen.cad.script import main``; this keeps them running. It is the one module
of cad that reaches up into pipeline, and the layering contract lists it as an exception.
"""

from __future__ import annotations

from benchgen.pipeline.script import script_text
from benchgen.pipeline.standalone import main

__all__ = ["main", "script_text"]
