"""Every sandbox test needs a real bubblewrap (see the ``bwrap`` fixture)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _needs_bwrap(bwrap: str) -> str:
    return bwrap
