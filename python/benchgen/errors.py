"""Exceptions raised by benchgen.

Every error benchgen raises on purpose derives from :class:`BenchgenError`, so a
caller can catch them all in one place; where a builtin meaning fits, the error
also subclasses that builtin::

    BenchgenError
    ├── InvalidSpecError (ValueError)       a scenario.json / request that fails its schema
    ├── UnsafeFileError (ValueError)        a symlink, FIFO or device where a file belongs
    ├── UnknownFamilyError (KeyError)       a family name that is not registered
    ├── GeometryError (ValueError)          build123d geometry that is not a valid solid
    ├── ModelError (ValueError)             an MJCF model MuJoCo refuses
    ├── RenderError (RuntimeError)          no OpenGL context, or a broken render
    ├── OutputError (OSError)               an output folder that cannot be written
    ├── StoreError (RuntimeError)           the metadata database refused a write
    ├── GodotError (RuntimeError)           no Godot runtime, or Godot reported an error
    ├── SandboxError (RuntimeError)         bubblewrap is missing or refused to start
    ├── AgentError (RuntimeError)           the LLM path failed (endpoint, protocol, limits)
    ├── ClusterError (RuntimeError)         Temporal unreachable, or a cluster run failed
    ├── EvalError (RuntimeError)            an eval run that cannot start, resume or report
    └── MissingExtraError (ImportError)     an optional part whose pip extra is not installed
"""

from __future__ import annotations

__all__ = [
    "AgentError",
    "BenchgenError",
    "ClusterError",
    "EvalError",
    "GeometryError",
    "GodotError",
    "InvalidSpecError",
    "MissingExtraError",
    "ModelError",
    "OutputError",
    "RenderError",
    "SandboxError",
    "StoreError",
    "UnknownFamilyError",
    "UnsafeFileError",
]


class BenchgenError(Exception):
    """Base class of every error benchgen raises on purpose."""


class InvalidSpecError(BenchgenError, ValueError):
    """A scenario spec, request or parameter set fails validation."""


class UnsafeFileError(BenchgenError, ValueError):
    """A scenario folder holds something other than regular files and folders.

    benchgen never follows a symlink, opens a FIFO or reads a device it did not create,
    so a folder holding one is refused instead of read.
    """


class UnknownFamilyError(BenchgenError, KeyError):
    """A scenario family name that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class GeometryError(BenchgenError, ValueError):
    """build123d geometry that is not a valid closed solid."""


class ModelError(BenchgenError, ValueError):
    """An MJCF model that MuJoCo refuses to load or compile."""


class RenderError(BenchgenError, RuntimeError):
    """Rendering failed: no OpenGL context, or an unusable image."""


class OutputError(BenchgenError, OSError):
    """An output folder that does not exist, is not a folder, or is not writable."""


class StoreError(BenchgenError, RuntimeError):
    """The metadata store refused a read or a write."""


class GodotError(BenchgenError, RuntimeError):
    """No Godot 4 runtime could be started, or Godot reported a script error."""


class SandboxError(BenchgenError, RuntimeError):
    """The sandbox for agent-written code could not be set up."""


class AgentError(BenchgenError, RuntimeError):
    """The LLM agent path failed: endpoint, protocol or iteration limits."""


class ClusterError(BenchgenError, RuntimeError):
    """The Temporal server cannot be reached or started, or a cluster run failed."""


class EvalError(BenchgenError, RuntimeError):
    """An evaluation run that cannot start, resume or be reported (benchgen.eval)."""


class MissingExtraError(BenchgenError, ImportError):
    """An optional part of benchgen whose pip extra is not installed (benchgen.extras)."""
