#!/usr/bin/env bash
# sdk-python's checks: the venv, mypy --strict over the SDK, its tests and the
# examples, then pytest. Exits non-zero on any failure, including a pytest run that
# collected no test (exit 5). Integration tests (tests/test_integration_*.py) start
# the runtime from runtime/dist: build it first (`npx tsc -b` at the repo root).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-venv.sh
echo "== sdk-python: mypy --strict"
.venv/bin/mypy
echo "== sdk-python: pytest"
.venv/bin/python -m pytest "$@"
