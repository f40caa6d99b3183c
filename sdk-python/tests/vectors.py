"""Access to Ryu's OpenFlow test vectors kept in the repository (runtime/test-data/vectors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: sdk-python/tests -> project root -> runtime/test-data/vectors/ryu
RYU = Path(__file__).resolve().parents[2] / "runtime" / "test-data" / "vectors" / "ryu"


def ryu_of13(name: str) -> tuple[bytes, dict[str, Any]]:
    """The wire bytes and Ryu's decoded JSON of of13 vector `name`. Fails (never
    skips) when the folder is missing, naming where it was looked for."""
    packet = RYU / "of13" / "packet" / f"{name}.packet"
    document = RYU / "of13" / "json" / f"{name}.packet.json"
    if not packet.is_file() or not document.is_file():
        raise AssertionError(f"Ryu test vector {name} not found at {packet} / {document}: they are part of the repository; restore them with git checkout -- runtime/test-data")
    decoded: dict[str, Any] = json.loads(document.read_text())
    return packet.read_bytes(), decoded
