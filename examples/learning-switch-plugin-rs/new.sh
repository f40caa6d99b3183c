#!/usr/bin/env bash
# Creates a new plugin project from this one: ./new.sh <name> [folder]
# (folder defaults to ./<name>). The project gets this project's SDK (src/sdk),
# build and new scripts, cargo config, WIT and plugin, renamed to <name>.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail() {
  echo "new: $*" >&2
  exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: new.sh <name> [folder]"
name=$1
[[ $name =~ ^[a-z][a-z0-9-]{0,62}$ ]] || fail "\"$name\" is not a plugin name: lowercase letters, digits and '-', starting with a letter"
target=${2:-$name}
if [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then fail "$target exists and is not empty"; fi
mkdir -p "$target"
target=$(cd "$target" && pwd)

for entry in Cargo.toml Cargo.lock plugin.json build.sh new.sh .gitignore .cargo src wit; do
  cp -R "$here/$entry" "$target/$entry"
done
# The crate is sdn-plugin-<name> in Cargo.toml and in Cargo.lock's own entry.
crate=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$here/Cargo.toml" | head -n 1)
sed -i "s/^name = \"$crate\"\$/name = \"sdn-plugin-$name\"/" "$target/Cargo.toml" "$target/Cargo.lock"
python3 - "$target/plugin.json" "$name" <<'PY'
import json, pathlib, sys

path = pathlib.Path(sys.argv[1])
path.write_text(json.dumps({**json.loads(path.read_text()), "name": sys.argv[2]}, indent=2) + "\n")
PY
echo "created $target"
echo "next: $target/build.sh   (output: $target/dist/$name/)"
