"""script.py of a scenario: the family's build123d source plus how to run it on its own.

Every scenario folder carries its family's source with a footer pinning the seed and the
parameters; ``python script.py --out DIR`` rebuilds the scenario through
:func:`benchgen.pipeline.standalone.main` and the same pipeline that built it.
"""

from __future__ import annotations

import inspect
from typing import Any

from benchgen.families.base import Family

__all__ = ["script_text"]

_FOOTER_MARK = "# --- benchgen scenario footer"
_FOOTER = """

{mark} ---------------------------------------------------------
# Scenario {scenario_id}, written by benchgen. Rebuild it on its own with
#     python script.py --seed {seed} --out DIR
# (another --seed draws new parameters from the same family).
SCENARIO_SEED = {seed}
SCENARIO_PARAMS = {params}

if __name__ == "__main__":
    from benchgen.pipeline.standalone import main

    main(FAMILY, default_seed=SCENARIO_SEED, default_params=SCENARIO_PARAMS)
"""


def _family_source(family: Family) -> str:
    """Return the source of the module defining ``family``, without any earlier footer."""
    source = family.source_text
    if source is None:
        module = inspect.getmodule(type(family))
        source = (
            inspect.getsource(module) if module is not None else inspect.getsource(type(family))
        )
    return source.split(_FOOTER_MARK, 1)[0].rstrip() + "\n"


def script_text(family: Family, *, scenario_id: str, seed: int, params: dict[str, Any]) -> str:
    """Return script.py: the family module's source and a footer pinning seed and params."""
    # A Python literal (repr), not JSON: true/false/null are not Python names.
    params_text = "{\n" + "".join(f"    {k!r}: {params[k]!r},\n" for k in sorted(params)) + "}"
    footer = _FOOTER.format(
        mark=_FOOTER_MARK, scenario_id=scenario_id, seed=seed, params=params_text
    )
    return _family_source(family) + footer
