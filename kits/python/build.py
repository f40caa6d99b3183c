#!/usr/bin/env python3
"""Builds this plugin project into a folder the runtime loads.

  python3 build.py [--out DIR]      (run from anywhere; paths are the project's)

Makes a venv with the pinned componentize-py (requirements.txt) on first use
(`.venv/` here, or $SDN_PLUGIN_VENV), then componentizes src/app.py (the module
`app`, whose `WitWorld` is the plugin) for wit/plugin.wit with WASI stubbed out,
and writes dist/<name>/plugin.json + plugin.wasm.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def fail(message: str) -> "None":
    sys.stderr.write(f"build: {message}\n")
    sys.exit(1)


def pinned_version() -> str:
    for line in (PROJECT / "requirements.txt").read_text().splitlines():
        if line.startswith("componentize-py=="):
            return line.split("==", 1)[1].strip()
    fail("requirements.txt must pin componentize-py==<version>")
    return ""


def componentize_py(version: str) -> Path:
    """The venv's componentize-py at the pinned version, installing it when missing or different."""
    root = Path(os.environ.get("SDN_PLUGIN_VENV") or PROJECT / ".venv")
    tool = root / "bin" / "componentize-py"
    if tool.exists():
        found = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout.split()
        if found[-1:] == [version]:
            return tool
    sys.stdout.write(f"installing componentize-py {version} into {root}\n")
    venv.create(root, with_pip=True, clear=tool.exists())
    pip = [str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if subprocess.run([*pip, "-r", str(PROJECT / "requirements.txt")]).returncode != 0:
        fail(f"pip could not install componentize-py {version} into {root}")
    return tool


def read_manifest() -> dict:
    path = PROJECT / "plugin.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}")
    if not isinstance(manifest, dict):
        fail(f"{path} must hold a JSON object")
    if not isinstance(manifest.get("name"), str) or not NAME.match(manifest["name"]):
        fail(f"{path}: \"name\" must be lowercase letters, digits and '-', starting with a letter")
    if "component" in manifest:
        fail(f'{path}: leave "component" out; the build sets it to plugin.wasm')
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="dist", help="output folder (default: dist, relative to the project)")
    args = parser.parse_args()
    manifest = read_manifest()
    started = time.monotonic()
    tool = componentize_py(pinned_version())
    installed = time.monotonic()

    out = (PROJECT / args.out).resolve()
    target = out / manifest["name"]
    staging = out / f".{manifest['name']}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # --stub-wasi: the world imports no WASI; CPython's WASI calls become traps
    # (its random seed is fixed at build time). The app is on -p src only, so
    # the venv and the build output are not packed into the component.
    command = [str(tool), "-d", str(PROJECT / "wit" / "plugin.wit"), "-w", "plugin", "componentize", "--stub-wasi", "-p", str(PROJECT / "src"), "-o", str(staging / "plugin.wasm"), "app"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        fail(f"componentize-py failed:\n{result.stdout}{result.stderr}")
    (staging / "plugin.json").write_text(json.dumps({**manifest, "component": "plugin.wasm"}, indent=2) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    size = (target / "plugin.wasm").stat().st_size / 1048576
    sys.stdout.write(f"built {target}: plugin.wasm {size:.1f} MiB (venv {installed - started:.1f} s, componentize {time.monotonic() - installed:.1f} s)\n")


if __name__ == "__main__":
    main()
