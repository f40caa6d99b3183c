#!/usr/bin/env python3
"""Creates a new plugin project from this kit: python3 new.py <name> [folder]

The folder defaults to ./<name>. The project gets the kit's SDK (src/sdn_plugin),
build.py, requirements.txt, the WIT and the hub plugin as a starting point,
renamed to <name>.
"""
import json
import re
import shutil
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parent
COPIED = ["build.py", "new.py", "requirements.txt", "plugin.json", ".gitignore", "src", "wit"]
NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def main() -> None:
    if not 2 <= len(sys.argv) <= 3:
        sys.exit("usage: python3 new.py <name> [folder]")
    name = sys.argv[1]
    if not NAME.match(name):
        sys.exit(f"new: \"{name}\" is not a plugin name: lowercase letters, digits and '-', starting with a letter")
    target = Path(sys.argv[2] if len(sys.argv) == 3 else name).resolve()
    if target.exists() and any(target.iterdir()):
        sys.exit(f"new: {target} exists and is not empty")
    target.mkdir(parents=True, exist_ok=True)
    for entry in COPIED:
        source = KIT / entry
        if source.is_dir():
            shutil.copytree(source, target / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / entry)
    manifest_path = target / "plugin.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["name"] = name
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"created {target}\nnext: python3 {target / 'build.py'}   (output: {target / 'dist' / name}/)")


if __name__ == "__main__":
    main()
