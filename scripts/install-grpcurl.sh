#!/usr/bin/env bash
# Installs grpcurl (the gRPC command-line client the reflection/health test drives)
# into "$HOME/go/bin", or $GRPCURL_BIN_DIR when set. Idempotent: returns at once when
# the pinned version is there. Needs Go (Debian: apt-get install golang-go); builds from source with
# `go install`, so the first run takes a minute and needs the Go module proxy.
set -euo pipefail

version=v1.9.4
dir="${GRPCURL_BIN_DIR:-$HOME/go/bin}"
bin="$dir/grpcurl"

if ! command -v go >/dev/null 2>&1; then
  echo "install-grpcurl: Go is not installed; install it (apt-get install golang-go) and run this script again" >&2
  exit 1
fi
# `grpcurl -version` says "dev build" when built by go install; the binary's module record has the version.
if [ -x "$bin" ] && go version -m "$bin" | grep -q "^[[:space:]]*mod[[:space:]]*github.com/fullstorydev/grpcurl[[:space:]]*${version}[[:space:]]"; then
  exit 0
fi
mkdir -p "$dir"
GOBIN="$dir" go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@${version}"
echo "install-grpcurl: installed $bin (${version})"
