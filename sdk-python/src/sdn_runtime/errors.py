"""One exception type for the SDK, with a stable code.

Every failure the SDK reports is an `SdnError` (or the packet library's
`PacketError` subclass): a bad argument caught before anything is sent, a command
the runtime refused, an OpenFlow error from the switch, a broken connection. The
code says what happened; `openflow` holds the decoded OFPT_ERROR when the switch
refused; `grpc_status` names the gRPC status when the error came from a call.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorCode(enum.StrEnum):
    """Why an operation failed. Mirrors CommandError.Code and the gRPC statuses."""

    #: A value out of range, a malformed address, a message that cannot be encoded;
    #: a plugin manifest or component the runtime refused.
    INVALID = "INVALID"
    #: No switch with that dpid is connected to the runtime.
    UNKNOWN_SWITCH = "UNKNOWN_SWITCH"
    #: The switch answered with OFPT_ERROR (see `SdnError.openflow`).
    SWITCH_ERROR = "SWITCH_ERROR"
    #: No answer in time, the switch or the runtime went away, or the app is closed.
    UNAVAILABLE = "UNAVAILABLE"
    #: The token lacks the scope the operation needs.
    PERMISSION_DENIED = "PERMISSION_DENIED"
    #: No token, or one the runtime does not accept.
    UNAUTHENTICATED = "UNAUTHENTICATED"
    #: The thing asked for does not exist (a switch in Switches.Get, a plugin, a
    #: plugin path the runtime cannot read).
    NOT_FOUND = "NOT_FOUND"
    #: A local or remote limit was hit (the send queue is full).
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    #: A KV watch asked for history the store has compacted away.
    COMPACTED = "COMPACTED"
    #: Anything else: a KV or pubsub failure, a bug on either side.
    INTERNAL = "INTERNAL"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenFlowError:
    """An OFPT_ERROR from a switch, decoded by the runtime."""

    #: OFPET_* (0xffff for an experimenter error).
    type: int
    #: OFPxxC_* code within the type.
    code: int
    #: Experimenter errors only.
    experimenter: int = 0
    exp_type: int = 0
    #: The start of the request that failed, as the switch quoted it.
    data: bytes = b""
    #: A readable rendering, e.g. "OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ".
    description: str = ""


class SdnError(Exception):
    """The SDK's exception. `code` is stable; the message is for people."""

    code: ErrorCode
    message: str
    openflow: OpenFlowError | None
    grpc_status: str | None

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        openflow: OpenFlowError | None = None,
        grpc_status: str | None = None,
    ) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message
        self.openflow = openflow
        self.grpc_status = grpc_status


def invalid(message: str) -> SdnError:
    """The error for an argument rejected before anything is sent."""
    return SdnError(ErrorCode.INVALID, message)
