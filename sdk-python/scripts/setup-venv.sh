#!/usr/bin/env bash
# Creates sdk-python/.venv with the SDK installed editable plus its dev tools, at the
# exact versions of constraints.txt. Idempotent: when the venv already matches
# pyproject.toml and constraints.txt (a stamp holds their hash) it returns at once.
# Needs python3 >= 3.11 with the venv module (Debian: python3-venv); pip talks to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=.venv
stamp=$venv/.sdn-runtime-stamp
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "sdk-python needs Python >= 3.11 as '$python' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || {
    echo "could not create $venv: install the venv module (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
echo "installing sdk-python and its dev tools into sdk-python/$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
echo "$want" >"$stamp"
