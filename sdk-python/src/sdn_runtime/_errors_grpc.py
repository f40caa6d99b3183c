"""gRPC statuses and CommandErrors -> SdnError, in one place."""

from __future__ import annotations

import grpc
import grpc.aio

from . import _from_proto
from ._proto import events_pb2 as ev
from .errors import ErrorCode, SdnError

_STATUS: dict[grpc.StatusCode, ErrorCode] = {
    grpc.StatusCode.INVALID_ARGUMENT: ErrorCode.INVALID,
    grpc.StatusCode.FAILED_PRECONDITION: ErrorCode.INVALID,
    grpc.StatusCode.OUT_OF_RANGE: ErrorCode.INVALID,
    grpc.StatusCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    grpc.StatusCode.PERMISSION_DENIED: ErrorCode.PERMISSION_DENIED,
    grpc.StatusCode.UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
    grpc.StatusCode.UNAVAILABLE: ErrorCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: ErrorCode.UNAVAILABLE,
    grpc.StatusCode.CANCELLED: ErrorCode.UNAVAILABLE,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ErrorCode.RESOURCE_EXHAUSTED,
}

_COMMAND: dict[int, ErrorCode] = {
    ev.CommandError.CODE_INVALID: ErrorCode.INVALID,
    ev.CommandError.CODE_UNKNOWN_SWITCH: ErrorCode.UNKNOWN_SWITCH,
    ev.CommandError.CODE_SWITCH_ERROR: ErrorCode.SWITCH_ERROR,
    ev.CommandError.CODE_UNAVAILABLE: ErrorCode.UNAVAILABLE,
    ev.CommandError.CODE_PERMISSION_DENIED: ErrorCode.PERMISSION_DENIED,
    ev.CommandError.CODE_INTERNAL: ErrorCode.INTERNAL,
}

#: Failures that reconnecting cannot fix.
_FINAL = {ErrorCode.INVALID, ErrorCode.NOT_FOUND, ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED}


def error_from_rpc(e: grpc.aio.AioRpcError) -> SdnError:
    status = e.code()
    code = _STATUS.get(status, ErrorCode.INTERNAL)
    details = e.details() or status.name
    return SdnError(code, details, grpc_status=status.name)


def error_from_result(error: ev.CommandError) -> SdnError:
    code = _COMMAND.get(error.code, ErrorCode.INTERNAL)
    openflow = _from_proto.openflow_error(error.openflow) if error.HasField("openflow") else None
    message = error.message or (openflow.description if openflow else code.value.lower())
    return SdnError(code, message, openflow=openflow)


def retryable(error: SdnError) -> bool:
    """Whether a new stream may succeed where this one failed (UNIMPLEMENTED: a
    runtime without the Events service will not grow one)."""
    return error.code not in _FINAL and error.grpc_status != grpc.StatusCode.UNIMPLEMENTED.name
