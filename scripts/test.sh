#!/usr/bin/env bash
# Installs everything the tests need, then runs every test: lint, type check (the
# build), unit, property, conformance and end-to-end tests. Exits non-zero on the
# first failure. Used as-is by `.ci/run`.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== system packages"
bash scripts/install-system-deps.sh

echo "== generated code matches proto/"
bash scripts/check-generated.sh

echo "== build and type check"
npm run build

echo "== lint"
npm run lint

echo "== sdk-python venv (the Open vSwitch test of examples/learning-switch-py runs with it)"
bash sdk-python/scripts/setup-venv.sh

echo "== tests"
node --test --test-concurrency=1 runtime/dist/ sdk-ts/dist/ examples/*/dist/

echo "== sdk-python"
bash sdk-python/scripts/test.sh
