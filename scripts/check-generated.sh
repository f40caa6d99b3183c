#!/usr/bin/env bash
# Fails when the committed generated code differs from what proto/ generates now.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/generate.sh >/dev/null
if ! git diff --exit-code --stat -- '*/generated/*' '*/_proto/*' || [ -n "$(git status --porcelain -- '*/generated/*' '*/_proto/*')" ]; then
  echo "generated code is out of date with proto/: run 'bash scripts/generate.sh' and commit the result" >&2
  exit 1
fi
