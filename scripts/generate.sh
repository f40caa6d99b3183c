#!/usr/bin/env bash
# Regenerates every file made from proto/ (TypeScript for the runtime). Generated
# files say DO NOT EDIT; scripts/check-generated.sh fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/../proto"
npx buf lint
npx buf generate --template buf.gen.ts.yaml
