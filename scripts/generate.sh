#!/usr/bin/env bash
# Regenerates every file made from proto/: TypeScript for the runtime
# (runtime/src/generated) and Python for sdk-python (sdk-python/src/sdn_runtime/_proto).
# Generated files say DO NOT EDIT; scripts/check-generated.sh fails when they drift.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/proto"
npx buf lint
npx buf generate --template buf.gen.ts.yaml
bash "$root/sdk-python/scripts/setup-venv.sh"
"$root/sdk-python/.venv/bin/python" "$root/sdk-python/scripts/generate.py"
