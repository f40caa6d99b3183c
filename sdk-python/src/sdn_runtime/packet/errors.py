"""The packet library's error: which layer, at which byte offset, and why."""

from __future__ import annotations

from ..errors import ErrorCode, SdnError


class PacketError(SdnError):
    """A frame that does not parse, or layers that do not build. `layer` names the
    header ("ipv4", "tcp", ...); `offset` is the byte offset of that header in the
    frame (None when building)."""

    layer: str
    offset: int | None

    def __init__(self, layer: str, message: str, offset: int | None = None) -> None:
        where = f" at offset {offset}" if offset is not None else ""
        super().__init__(ErrorCode.INVALID, f"{layer}{where}: {message}")
        self.layer = layer
        self.offset = offset
