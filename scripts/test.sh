#!/usr/bin/env bash
# Installs everything the tests need, then runs every test: lint, type check (the
# build), unit, property, conformance, end-to-end (Open vSwitch) and the Python SDK.
# Every step runs even when an earlier one failed; the run ends with one summary
# block (steps, test counts, the name of every failed test) and exits non-zero if
# anything failed. Used as-is by `.ci/run`.
set -uo pipefail
cd "$(dirname "$0")/.."

reports=$(mktemp -d "${TMPDIR:-/tmp}/sdn-runtime-test.XXXXXX")
steps_file="$reports/steps.tsv"
: >"$steps_file"

# step NAME COMMAND...: runs COMMAND, records its exit status under NAME.
step() {
  local name=$1
  shift
  echo
  echo "== $name"
  local started=$SECONDS
  "$@"
  local rc=$?
  printf '%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - started))" >>"$steps_file"
  [ "$rc" -eq 0 ] || echo "== $name: FAILED (exit $rc)"
}

# node_suite REPORT FILE...: node's test runner over FILES, one at a time (the
# Open vSwitch tests share one switch daemon), spec output on the terminal and a
# JUnit report REPORT.xml for the summary.
node_suite() {
  local report=$1
  shift
  if [ $# -eq 0 ]; then
    echo "no test files for $report: did the build run? (npm run build)" >&2
    return 1
  fi
  node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$reports/$report.xml" \
    "$@"
}

# test_files [-e2e|+e2e] DIR...: the compiled test files under DIRs, without or
# with only the end-to-end folder.
test_files() {
  local which=$1
  shift
  local filter=(-not -path '*/e2e/*')
  [ "$which" = "+e2e" ] && filter=(-path '*/e2e/*')
  find "$@" -name node_modules -prune -o -name '*.test.js' "${filter[@]}" -print 2>/dev/null | sort
}

step "system packages" bash scripts/install-system-deps.sh
step "grpcurl" bash scripts/install-grpcurl.sh
step "Rust toolchain for Wasm plugins" bash scripts/install-rust-wasm.sh
step "generated code matches proto/" bash scripts/check-generated.sh
step "build and type check" npm run build
step "lint" npm run lint
step "sdk-python venv" bash sdk-python/scripts/setup-venv.sh

mapfile -t unit_files < <(test_files -e2e runtime/dist sdk-ts/dist examples/*/dist bench/dist)
mapfile -t e2e_files < <(test_files +e2e runtime/dist)
step "node tests (unit, property, conformance, integration)" node_suite node "${unit_files[@]}"
step "node tests (end to end: Open vSwitch, grpcurl)" node_suite node-e2e "${e2e_files[@]}"
step "sdk-python (mypy, pytest)" bash sdk-python/scripts/test.sh --junitxml="$reports/pytest.xml"
step "bench tools (pytest)" sdk-python/.venv/bin/python -m pytest -q bench/tools --junitxml="$reports/bench-tools.xml"

node scripts/test-summary.mjs "$steps_file" "$reports"
