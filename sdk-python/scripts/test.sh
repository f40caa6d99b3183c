#!/usr/bin/env bash
# sdk-python's checks: the venv, mypy --strict over the SDK, its tests and the
# examples, then pytest (which runs even when mypy failed). Exits non-zero on any
# failure, including a pytest run that collected no test (exit 5). Integration
# tests (tests/test_integration_*.py) start the runtime from runtime/dist: build it
# first (`npx tsc -b` at the repo root). Arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-venv.sh || exit
echo "== sdk-python: mypy --strict"
.venv/bin/mypy
mypy_rc=$?
echo "== sdk-python: pytest"
.venv/bin/python -m pytest "$@"
pytest_rc=$?
[ "$mypy_rc" -eq 0 ] || echo "== sdk-python: mypy FAILED (exit $mypy_rc)"
[ "$mypy_rc" -eq 0 ] && exit "$pytest_rc"
exit "$mypy_rc"
