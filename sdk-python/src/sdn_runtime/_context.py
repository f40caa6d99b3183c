"""What the app's parts share: the channel's stubs, call metadata, the event
stream and the command timeout."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import grpc.aio

from ._errors_grpc import error_from_rpc
from ._proto import events_pb2 as ev
from ._proto import kv_pb2_grpc, plugins_pb2_grpc, pubsub_pb2_grpc, switches_pb2_grpc
from ._stream import EventStream

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Context:
    metadata: tuple[tuple[str, str], ...]
    stream: EventStream
    #: Seconds a command or unary call may take before it fails with UNAVAILABLE.
    timeout: float
    switches: switches_pb2_grpc.SwitchesAsyncStub
    kv: kv_pb2_grpc.KVAsyncStub
    pubsub: pubsub_pb2_grpc.PubSubAsyncStub
    plugins: plugins_pb2_grpc.PluginsAsyncStub

    async def unary(self, call: Awaitable[T]) -> T:
        """Awaits a unary call made with `self.metadata` and `self.timeout`,
        turning its gRPC failure into SdnError."""
        try:
            return await call
        except grpc.aio.AioRpcError as e:
            raise error_from_rpc(e) from None

    async def command(self, command: ev.Command) -> ev.CommandResult:
        """Sends `command` on the event stream and waits for its result."""
        return await self.stream.request(command, self.timeout)

    def send(self, command: ev.Command) -> None:
        """Queues `command` on the event stream without waiting for anything."""
        self.stream.send(command)
