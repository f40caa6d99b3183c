#!/usr/bin/env bash
# Regenerates every file made from proto/: TypeScript (ts-proto, grpc-js services,
# u64 as bigint, ESM imports) for the runtime (server side) and sdk-ts (client
# side), with the same options, and Python (grpcio-tools, in sdk-python's venv) for
# sdk-python. Generated files say DO NOT EDIT; scripts/check-generated.sh fails
# when they drift. protoc comes from Debian's protobuf-compiler
# (scripts/install-system-deps.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

TS_OPTS=outputServices=grpc-js,forceLong=bigint,esModuleInterop=true,importSuffix=.js,env=node,oneof=unions-value,useOptionals=none,outputJsonMethods=false

ts_out() {
  rm -rf "$1"
  mkdir -p "$1"
  protoc -I proto \
    --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
    --ts_proto_out="$1" --ts_proto_opt="$TS_OPTS" \
    proto/sdn/runtime/v1/*.proto
}

ts_out runtime/src/generated
ts_out sdk-ts/src/generated
bash "$root/sdk-python/scripts/setup-venv.sh"
"$root/sdk-python/.venv/bin/python" "$root/sdk-python/scripts/generate.py"
