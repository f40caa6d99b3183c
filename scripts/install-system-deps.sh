#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need, when missing.
# Needs root (as on the project's machines and CI); says so plainly otherwise.
# Fast and silent when everything is already there (one dpkg-query per package).
set -euo pipefail

packages=(
  python3-venv
  # End-to-end tests: a real userspace switch, its peer controller for the
  # benchmarks, network namespaces with veth pairs, and ping between them.
  openvswitch-switch
  openvswitch-testcontroller
  iproute2
  iputils-ping
  # TCP between namespaces through the userspace datapath needs tx checksum
  # offload switched off on the veth ends (see runtime/src/testing/ovs/README.md).
  ethtool
  # Certificates for the OpenFlow-over-TLS tests.
  openssl
  # protoc, for generating the API code from proto/ (scripts/generate.sh).
  protobuf-compiler
  # The KV store's etcd backend: its tests start a 3-member cluster of their
  # own (runtime/src/testing/etcd-cluster.ts); etcd-client gives etcdctl.
  etcd-server
  etcd-client
  # The web view's browser test (runtime/src/e2e/web-view.ovs.test.ts) drives
  # Debian's headless Chromium through playwright-core (no browser download).
  chromium
)

# shellcheck source=lib/debian-packages.sh
source "$(dirname "$0")/lib/debian-packages.sh"
read -ra missing <<<"$(missing_packages "${packages[@]}")"
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "missing Debian packages: ${missing[*]}; run as root or install them with apt-get" >&2; exit 1; }

# The tests start their own ovsdb-server/ovs-vswitchd in a temp folder, and only
# one userspace ovs-vswitchd may run per machine: the packages' services
# (openvswitch-switch, openvswitch-testcontroller) must not start on install.
# A policy-rc.d that answers 101 tells invoke-rc.d "not allowed"; install one for
# the duration of apt-get unless the machine already has one (Docker images do).
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi
cleanup() { [ "$own_policy" -eq 1 ] && rm -f "$policy"; return 0; }
trap cleanup EXIT

install_packages install-system-deps "${missing[@]}"

# Belt and braces: a service that started anyway (an init that ignores
# policy-rc.d) would clash with the tests' switch, so stop it by its pidfile.
for name in ovs-vswitchd ovsdb-server ovs-testcontroller; do
  pidfile=/run/openvswitch/$name.pid
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && echo "stopped the package's $name (pid $pid)"
  fi
done
exit 0
