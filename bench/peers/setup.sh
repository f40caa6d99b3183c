#!/usr/bin/env bash
# Creates bench/.venv with os-ken pinned by requirements.txt beside this file: the
# peer of the codec benchmark (bench/dist/codec.js) and of the learning-switch
# benchmark (bench/dist/controller.js). Idempotent: when the
# venv already holds exactly these requirements it returns at once.
# Needs Debian's python3-venv (scripts/install-system-deps.sh installs it).
# PYTHON chooses the interpreter (default: Debian's /usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(cd "$here/.." && pwd)/.venv"
requirements="$here/requirements.txt"
python="${PYTHON:-/usr/bin/python3}"
stamp="$venv/.requirements.sha256"

want="$( { sha256sum < "$requirements"; "$python" --version; } | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  echo "$python has no venv/ensurepip: install Debian's python3-venv (bash scripts/install-system-deps.sh)" >&2
  exit 1
fi
echo "creating $venv with $("$python" --version) and the pinned os-ken" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -c 'import os_ken.ofproto.ofproto_v1_3_parser'
echo "$want" > "$stamp"
