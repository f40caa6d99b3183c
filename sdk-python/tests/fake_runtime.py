"""An in-process gRPC server playing the runtime, for the SDK's unit tests.

It speaks the real protocol (the generated messages over a real gRPC channel on
loopback) but its behaviour is scripted by the test: each Events stream becomes a
`FakeConnection` the test reads commands from and writes events and results to,
and can break with a gRPC status. Switches, PubSub and KV answer from small
in-memory models. The real server is exercised by tests/test_integration_*.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import grpc.aio

from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import kv_pb2 as kv
from sdn_runtime._proto import pubsub_pb2 as ps
from sdn_runtime._proto import switches_pb2 as sw
from tests.fake_kv import FakeKv

WAIT = 5.0


class FakeConnection:
    """One Events.Connect stream as the server sees it."""

    def __init__(self, subscribe: ev.Subscribe, metadata: dict[str, str], context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.subscribe = subscribe
        self.metadata = metadata
        self._context = context
        self.commands: asyncio.Queue[ev.Command] = asyncio.Queue()
        #: How many commands each client message carried (1 for a Command, n for a CommandBatch).
        self.commands_per_message: list[int] = []
        self.credit_granted = 0
        self.credit_changed = asyncio.Event()
        self.ended = asyncio.Event()
        self._abort: asyncio.Future[tuple[grpc.StatusCode, str] | None] = asyncio.get_running_loop().create_future()

    async def send(self, *events: ev.Event) -> None:
        await self._context.write(ev.ServerMessage(events=ev.EventBatch(events=list(events))))

    async def result(self, result: ev.CommandResult) -> None:
        await self._context.write(ev.ServerMessage(result=result))

    async def next_command(self) -> ev.Command:
        return await asyncio.wait_for(self.commands.get(), WAIT)

    async def wait_credit(self, at_least: int) -> None:
        async def reached() -> None:
            while self.credit_granted < at_least:
                self.credit_changed.clear()
                await self.credit_changed.wait()

        await asyncio.wait_for(reached(), WAIT)

    def break_with(self, code: grpc.StatusCode, details: str) -> None:
        """Ends the stream with `code` (the client sees it as an error)."""
        if not self._abort.done():
            self._abort.set_result((code, details))

    def finish(self) -> None:
        """Ends the stream with status OK."""
        if not self._abort.done():
            self._abort.set_result(None)

    async def _serve(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            waiters: set[asyncio.Future[Any]] = {reader, self._abort}
            done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if self._abort in done and (outcome := self._abort.result()) is not None:
                await self._context.abort(outcome[0], outcome[1])
        finally:
            reader.cancel()
            self.ended.set()

    async def _read(self) -> None:
        while True:
            message = await self._context.read()
            if message is grpc.aio.EOF:
                return
            assert isinstance(message, ev.ClientMessage)
            kind = message.WhichOneof("kind")
            if kind == "credit":
                self.credit_granted += message.credit.events
                self.credit_changed.set()
            elif kind == "command":
                self.commands_per_message.append(1)
                self.commands.put_nowait(message.command)
            elif kind == "commands":
                self.commands_per_message.append(len(message.commands.commands))
                for command in message.commands.commands:
                    self.commands.put_nowait(command)


class FakeRuntime:
    """Start with `await FakeRuntime.start()`; `address` is "127.0.0.1:port"."""

    def __init__(self) -> None:
        self.server = grpc.aio.server()
        self.address = ""
        self.connections: asyncio.Queue[FakeConnection] = asyncio.Queue()
        #: When set, every call must carry `authorization: Bearer <token>`.
        self.token: str | None = None
        #: Status code for Subscribe when set (e.g. PERMISSION_DENIED).
        self.refuse: grpc.StatusCode | None = None
        self.last_seq = 0
        self.node_id = "fake-node"
        self.app_id = 0x4654
        self.tables: dict[str, int] = {}
        self.published: list[ps.PubSubMessage] = []
        #: Event streams open right now.
        self.live: list[FakeConnection] = []
        self.switch_list: list[sw.SwitchInfo] = []
        self.kv = FakeKv()

    @classmethod
    async def start(cls) -> FakeRuntime:
        runtime = cls()
        handlers = [
            _service("sdn.runtime.v1.Events", {"Connect": grpc.stream_stream_rpc_method_handler(
                runtime._connect, request_deserializer=ev.ClientMessage.FromString, response_serializer=ev.ServerMessage.SerializeToString)}),
            _service("sdn.runtime.v1.Switches", {
                "List": _unary(runtime._list, sw.ListSwitchesRequest, runtime),
                "Get": _unary(runtime._get, sw.GetSwitchRequest, runtime),
                "Status": _unary(runtime._status, sw.StatusRequest, runtime),
            }),
            _service("sdn.runtime.v1.PubSub", {"Publish": _unary(runtime._publish, ps.PublishRequest, runtime)}),
            _service("sdn.runtime.v1.KV", {
                "Get": _unary(runtime.kv.get, kv.GetRequest, runtime),
                "Put": _unary(runtime.kv.put, kv.PutRequest, runtime),
                "Delete": _unary(runtime.kv.delete, kv.DeleteRequest, runtime),
                "Range": _unary(runtime.kv.range, kv.RangeRequest, runtime),
                "Txn": _unary(runtime.kv.txn, kv.TxnRequest, runtime),
                "Watch": grpc.unary_stream_rpc_method_handler(
                    runtime._watch, request_deserializer=kv.WatchRequest.FromString, response_serializer=kv.WatchResponse.SerializeToString),
            }),
        ]  # fmt: skip
        runtime.server.add_generic_rpc_handlers(handlers)
        port = runtime.server.add_insecure_port("127.0.0.1:0")
        runtime.address = f"127.0.0.1:{port}"
        await runtime.server.start()
        return runtime

    async def stop(self) -> None:
        await self.server.stop(grace=None)

    async def next_connection(self) -> FakeConnection:
        return await asyncio.wait_for(self.connections.get(), WAIT)

    async def check_auth(self, context: grpc.aio.ServicerContext[Any, Any]) -> dict[str, str]:
        metadata = {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}
        if self.token is not None and metadata.get("authorization") != f"Bearer {self.token}":
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token")
        return metadata

    async def _connect(self, _requests: AsyncIterator[ev.ClientMessage], context: grpc.aio.ServicerContext[Any, Any]) -> None:
        metadata = await self.check_auth(context)
        first = await context.read()
        assert isinstance(first, ev.ClientMessage) and first.WhichOneof("kind") == "subscribe", first
        if self.refuse is not None:
            await context.abort(self.refuse, "refused by the test")
        # Registered before Subscribed goes out: once the client sees it, publishes reach it.
        connection = FakeConnection(first.subscribe, metadata, context)
        self.live.append(connection)
        try:
            await context.write(ev.ServerMessage(subscribed=ev.Subscribed(last_seq=self.last_seq, node_id=self.node_id, app_id=self.app_id, tables=self.tables)))
            self.connections.put_nowait(connection)
            await connection._serve()
        finally:
            self.live.remove(connection)

    async def _list(self, _request: sw.ListSwitchesRequest) -> sw.ListSwitchesResponse:
        return sw.ListSwitchesResponse(switches=self.switch_list)

    async def _get(self, request: sw.GetSwitchRequest) -> sw.SwitchInfo:
        for s in self.switch_list:
            if s.dpid == request.dpid:
                return s
        raise _Abort(grpc.StatusCode.NOT_FOUND, f"no switch {request.dpid:016x}")

    async def _status(self, _request: sw.StatusRequest) -> sw.StatusResponse:
        return sw.StatusResponse(node_id=self.node_id, version="test", switches=len(self.switch_list), last_seq=self.last_seq)

    async def _publish(self, request: ps.PublishRequest) -> ps.PublishResponse:
        """Records the message and hands it to every open stream with a matching topic."""
        self.published.append(request.message)
        delivered = 0
        for connection in list(self.live):
            if any(_subject_matches(p, request.message.subject) for p in connection.subscribe.topics):
                await connection.send(ev.Event(pubsub=request.message))
                delivered += 1
        return ps.PublishResponse(delivered=delivered)

    async def _watch(self, request: kv.WatchRequest, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[kv.WatchResponse]:
        await self.check_auth(context)
        async for response in self.kv.watch(request):
            yield response


def _subject_matches(pattern: str, subject: str) -> bool:
    want, have = pattern.split("."), subject.split(".")
    for i, token in enumerate(want):
        if token == ">":
            return len(have) > i
        if i >= len(have) or (token != "*" and token != have[i]):
            return False
    return len(want) == len(have)


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details


def _service(name: str, methods: dict[str, grpc.RpcMethodHandler[Any, Any]]) -> grpc.GenericRpcHandler:
    return grpc.method_handlers_generic_handler(name, methods)


def _unary(
    fn: Callable[[Any], Awaitable[Any]], request_type: Any, runtime: FakeRuntime
) -> grpc.RpcMethodHandler[Any, Any]:
    async def handler(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await runtime.check_auth(context)
        try:
            return await fn(request)
        except _Abort as e:
            await context.abort(e.code, e.details)

    return grpc.unary_unary_rpc_method_handler(handler, request_deserializer=request_type.FromString, response_serializer=lambda m: m.SerializeToString())

