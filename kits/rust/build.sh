#!/usr/bin/env bash
# Builds this plugin project into a folder the runtime loads:
#   cargo build --release (Debian's rustc; std built from source for
#   wasm32-unknown-unknown; wasm-component-ld makes the component), then
#   <out>/<name>/plugin.json + plugin.wasm.
# Usage: ./build.sh [--out DIR]   (DIR defaults to dist/ in the project)
# CARGO_TARGET_DIR is honoured: point several projects at one to build std once.
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail() {
  echo "build: $*" >&2
  exit 1
}

out=$project/dist
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || fail "--out needs a folder"; out=$2; shift 2 ;;
    *) fail "unknown argument \"$1\" (usage: build.sh [--out DIR])" ;;
  esac
done

install="run \`bash scripts/install-rust-wasm.sh\` of the sdn-runtime repository as root"
[ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] || fail "no Debian rustc/cargo (packages rustc-web, cargo-web): $install"
[ -d /usr/lib/rustlib/src/rust/library ] || fail "no std source for build-std (package rust-web-src): $install"
[ -x /usr/bin/wasm-ld-22 ] || fail "no /usr/bin/wasm-ld-22 (package lld-22): $install"
compgen -G '/usr/lib/rustlib/*/bin/wasm-component-ld' >/dev/null || fail "no wasm-component-ld in rustc's sysroot (package rust-web-llvm): $install"
command -v python3 >/dev/null || fail "python3 is needed to write plugin.json"

started=$(date +%s.%N)
# Debian's rustc is stable: RUSTC_BOOTSTRAP lets it take build-std. /usr/bin/cargo
# by path: a rustup cargo earlier on PATH would not find the std source.
(cd "$project" && RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --release --quiet) || fail "cargo build failed (above)"

crate=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$project/Cargo.toml" | head -n 1)
target_dir=${CARGO_TARGET_DIR:-$project/target}
wasm=$target_dir/wasm32-unknown-unknown/release/${crate//-/_}.wasm
[ -f "$wasm" ] || fail "cargo made no $wasm"

python3 - "$project/plugin.json" "$wasm" "$out" "$started" <<'PY'
import json, os, pathlib, shutil, sys, time

manifest_path, wasm, out, started = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), float(sys.argv[4])
def fail(message):
    sys.exit(f"build: {message}")
try:
    manifest = json.loads(pathlib.Path(manifest_path).read_text())
except (OSError, ValueError) as err:
    fail(f"cannot read {manifest_path}: {err}")
if not isinstance(manifest, dict):
    fail(f"{manifest_path} must hold a JSON object")
name = manifest.get("name")
if not isinstance(name, str) or not name or not name[0].islower() or any(not (c.islower() or c.isdigit() or c == "-") for c in name) or len(name) > 63:
    fail(f"{manifest_path}: \"name\" must be lowercase letters, digits and '-', starting with a letter")
if "component" in manifest:
    fail(f"{manifest_path}: leave \"component\" out; the build sets it to plugin.wasm")
# Written next to the target and renamed over it: the runtime watching a plugins
# folder never sees a half-written plugin.
target = out / name
staging = out / f".{name}.tmp-{os.getpid()}"
staging.mkdir(parents=True, exist_ok=True)
shutil.copyfile(wasm, staging / "plugin.wasm")
(staging / "plugin.json").write_text(json.dumps({**manifest, "component": "plugin.wasm"}, indent=2) + "\n")
shutil.rmtree(target, ignore_errors=True)
staging.rename(target)
size = (target / "plugin.wasm").stat().st_size
print(f"built {target}: plugin.wasm {size / 1024:.1f} KiB ({time.time() - started:.1f} s)")
PY
