#!/usr/bin/env bash
# Installs what kits/rust needs to build a plugin component, when missing:
# Debian's Rust toolchain with the std source (its rustc builds std for
# wasm32-unknown-unknown itself: no rustup target is downloaded; rust-web-llvm
# carries the wasm-component-ld linker) and lld 22's wasm-ld. Fast and silent
# when everything is there; needs root otherwise, and says so plainly.
set -euo pipefail

# From Debian bookworm-security: rustc/cargo 1.96 (the -web builds, which
# support the wasm targets), the std source for build-std, wasm-component-ld
# 0.5.22 in rustc's sysroot, and /usr/bin/wasm-ld-22.
packages=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-rust-wasm: missing Debian packages: ${missing[*]}; run this script as root or apt-get install them" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
  echo "install-rust-wasm: apt-get install ${missing[*]} failed (they come from Debian bookworm-security)" >&2
  exit 1
}
