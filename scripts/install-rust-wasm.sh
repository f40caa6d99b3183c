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

# shellcheck source=lib/debian-packages.sh
source "$(dirname "$0")/lib/debian-packages.sh"
read -ra missing <<<"$(missing_packages "${packages[@]}")"
[ ${#missing[@]} -eq 0 ] && exit 0
install_packages install-rust-wasm "${missing[@]}" || { echo "install-rust-wasm: they come from Debian bookworm-security" >&2; exit 1; }
