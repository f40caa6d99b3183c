#!/usr/bin/env bash
# Soaks property tests: runs each given compiled test file (default: every node test
# file that uses fast-check) with every fc.assert repeated, with fresh random seeds,
# for SECONDS per call (runtime/src/testing/property-soak/). A property that fails
# once in thousands of CI runs shows up here with its seed and counterexample.
# Every call gets SECONDS, also one in a loop (codec.property.test.js asserts once
# per message type and OXM field: about 170 calls), so a sweep of every file takes
# a while even at -s 1. Not part of `npm test`. Build first (npx tsc -b).
#
#   scripts/property-soak.sh [-s SECONDS] [-l LOG] [FILE.test.js ...]
#
# Exits non-zero when any round of any property failed; the summary lines
# ("N rounds of M runs, K failed") and every failure go to stderr and to LOG.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=20
log=""
while getopts "s:l:" opt; do
  case $opt in
    s) seconds=$OPTARG ;;
    l) log=$OPTARG ;;
    *) echo "usage: $0 [-s SECONDS] [-l LOG] [FILE.test.js ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

register=runtime/dist/testing/property-soak/register.js
if [ ! -f "$register" ]; then
  echo "$register is missing: build first (npx tsc -b)" >&2
  exit 1
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t sources < <(grep -rl --include='*.test.ts' "from 'fast-check'" runtime/src sdk-ts/src | grep -v /property-soak/ | sort)
  for s in "${sources[@]}"; do
    js=${s/\/src\//\/dist\/}
    files+=("${js%.ts}.js")
  done
fi

failed=0
for f in "${files[@]}"; do
  echo "== $f ($seconds s per property)" >&2
  SOAK_MS=$((seconds * 1000)) SOAK_LOG=$log node --import "./$register" --test-reporter=dot "$f" || failed=1
done
exit $failed
