"""Write constraints.txt: the exact version of every package benchgen[dev] needs, from a venv.

    .venv/bin/python scripts/lock.py            # rewrite constraints.txt from .venv
    .venv/bin/python scripts/lock.py --check    # exit 1 when constraints.txt is out of date

scripts/setup.sh and CI install with ``pip install -c constraints.txt -e '.[dev]'``, so a
fresh clone gets the versions the tests last passed with. Only the dependency closure of
benchgen[dev] is written (walked through each installed distribution's metadata), so
packages installed by hand into the venv do not leak into the lock. To move a version:
``pip install -U NAME`` in .venv, run the tests, run this script, commit both.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "constraints.txt"
#: Installer tooling stays out: pinning setuptools here would also pin it in pip's isolated
#: build environments, where pyproject.toml asks for a newer one.
TOOLING = {"pip", "setuptools", "wheel"}
HEADER = (
    "# Exact versions of everything benchgen[dev] installs; written by scripts/lock.py.\n"
    "# Install with: pip install -c constraints.txt -e '.[dev]'\n"
)


def _wanted(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**default_environment(), "extra": e}) for e in extras or {""})


def closure(root: str, extras: set[str]) -> dict[str, str]:
    """Return ``{name: version}`` of ``root[extras]`` and everything it requires, installed."""
    pins: dict[str, str] = {}
    todo = [(root, extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        key = (canonicalize_name(name), frozenset(wanted))
        if key in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(name)
        pins[canonicalize_name(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            req = Requirement(line)
            if _wanted(req, wanted):
                todo.append((req.name, set(req.extras)))
    pins.pop(canonicalize_name(root))
    return {name: version for name, version in pins.items() if name not in TOOLING}


def render(pins: dict[str, str]) -> str:
    return HEADER + "".join(f"{name}=={pins[name]}\n" for name in sorted(pins))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when constraints.txt differs")
    args = parser.parse_args()
    text = render(closure("benchgen", {"dev"}))
    if args.check:
        if LOCK.read_text(encoding="utf-8") != text:
            print("constraints.txt is out of date: run scripts/lock.py", file=sys.stderr)
            return 1
        return 0
    LOCK.write_text(text, encoding="utf-8")
    print(f"wrote {LOCK} ({text.count(chr(10)) - 2} packages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
